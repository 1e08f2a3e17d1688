using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using ImageService.Benchmarks.Peers.NSwag;
using Microsoft.Extensions.DependencyInjection;

namespace ImageService.Benchmarks.Peers;

/// <summary>
/// NSwag's stock C# client, generated at build time from openapi/images.yaml into obj/ with NSwag's own templates
/// (Peers/nswag.json), registered as a typed <c>IHttpClientFactory</c> client with a bearer handler, a request-id
/// handler and <c>AddStandardResilienceHandler</c>. Two settings differ from NSwag's defaults, as they would for a user:
/// with the defaults, an optional object property is <c>Required.DisallowNull</c>, and the client throws on the
/// <c>"error": null</c> the service sends in every image.
/// </summary>
public sealed class NSwagPeer : PeerClient
{
    private readonly ServiceProvider _services;
    private readonly IImagesClient _client;

    public NSwagPeer(Uri endpoint, TokenCredential credential)
    {
        ServiceCollection services = EqualFeatures.Services();
        services.AddHttpClient<IImagesClient, ImagesClient>(http => http.BaseAddress = endpoint)
            .AddHttpMessageHandler(() => new EqualFeatures.GuidRequestIdHandler())
            .AddHttpMessageHandler(() => new EqualFeatures.CredentialBearerHandler(credential))
            .AddStandardResilienceHandler(EqualFeatures.StandardResilience);
        _services = services.BuildServiceProvider();
        _client = _services.GetRequiredService<IImagesClient>();
    }

    public override string Name => "NSwag";

    public override string Description => "NSwag 14.7.1 stock generated client (NSwag.MSBuild, stock templates; optional properties nullable, since the defaults reject the service's `\"error\": null`), typed `IHttpClientFactory` client, Newtonsoft, `AddStandardResilienceHandler`";

    public override Task GetImageAsync() => Get(CancellationToken.None);

    public override Task GetPageAsync() => List(CancellationToken.None);

    public override async Task<ImageSnapshot> GetImageSnapshotAsync() => Snapshot(await Get(CancellationToken.None).ConfigureAwait(false));

    public override async Task<(int Count, ImageSnapshot First, ImageSnapshot Last)> GetPageSnapshotAsync()
    {
        return PageSnapshot((await List(CancellationToken.None).ConfigureAwait(false)).Value, Snapshot);
    }

    public override async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    // The stock generator puts the operation's own parameters before the path-level ones and makes every one positional.
    private Task<ImageResponseBase> Get(CancellationToken cancellationToken) =>
        _client.QueryByIdAsync(expand: null, Payloads.Subscription, Payloads.ResourceGroup, Payloads.Workspace, Payloads.ImageId, cancellationToken);

    private Task<PaginatedImageList> List(CancellationToken cancellationToken) =>
        _client.ListQueryAsync(null, null, null, null, null, null, null, null, null, null, null, null, Payloads.Subscription, Payloads.ResourceGroup, PageWorkspace, cancellationToken);

    private static ImageSnapshot Snapshot(ImageResponseBase image) => ImageSnapshot.Of(
        image.Id,
        image.Name,
        image.Version,
        image.CreatedTime,
        image.ModelIds,
        image.ModelDetails?.Select(m => ModelSnapshot.Of(m.Id, m.Name, m.Version, m.Framework, m.FrameworkVersion, m.Datasets?.Select(d => d.Id), m.KvTags)),
        (image as DockerImageResponse)?.TargetRuntime?.RuntimeType.ToString());
}
