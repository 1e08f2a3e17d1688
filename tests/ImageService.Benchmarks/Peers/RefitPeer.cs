using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace ImageService.Benchmarks.Peers;

/// <summary>
/// The Refit interface a user writes for the two calls (Refit has no OpenAPI generator of its own), over hand-written
/// POCOs (<see cref="StjImage"/>). Refit 16 builds the request code at compile time and reads the bodies through a
/// System.Text.Json source-generated context (<see cref="StjContext"/>).
/// </summary>
[Headers("Authorization: Bearer")]
public interface IRefitImagesApi
{
    [Get("/modelmanagement/v1.0/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/{workspace}/images/{id}")]
    Task<StjImage> GetImageAsync(string subscriptionId, string resourceGroup, string workspace, string id, CancellationToken cancellationToken = default);

    [Get("/modelmanagement/v1.0/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/{workspace}/images")]
    Task<StjPage> ListImagesAsync(string subscriptionId, string resourceGroup, string workspace, CancellationToken cancellationToken = default);
}

/// <summary>
/// Refit through <c>AddRefitGeneratedClient</c> (Refit.HttpClientFactory; Refit 16's reflection request builder is a
/// separate opt-in package): the token from Refit's
/// <c>AuthorizationHeaderValueGetter</c>, a request-id handler, and <c>AddStandardResilienceHandler</c> with the SDK's
/// numbers; <c>IHttpClientFactory</c>'s own logging.
/// </summary>
public sealed class RefitPeer : PeerClient
{
    private readonly ServiceProvider _services;
    private readonly IRefitImagesApi _api;

    public RefitPeer(Uri endpoint, TokenCredential credential)
    {
        var context = new TokenRequestContext(EqualFeatures.Scopes);
        var settings = new RefitSettings
        {
            AuthorizationHeaderValueGetter = async (_, ct) => (await credential.GetTokenAsync(context, ct).ConfigureAwait(false)).Token,
        };
        ServiceCollection services = EqualFeatures.Services();
        services.AddRefitGeneratedClient<IRefitImagesApi>(StjContext.Default, _ => settings)
            .ConfigureHttpClient(http => http.BaseAddress = endpoint)
            .AddHttpMessageHandler(() => new EqualFeatures.GuidRequestIdHandler())
            .AddStandardResilienceHandler(EqualFeatures.StandardResilience);
        _services = services.BuildServiceProvider();
        _api = _services.GetRequiredService<IRefitImagesApi>();
    }

    public override string Name => "Refit";

    public override string Description => "Refit 16.4 interface + `AddRefitGeneratedClient` (compile-time request code), hand-written POCOs, System.Text.Json source-generated context, `AddStandardResilienceHandler`";

    public override Task GetImageAsync() => _api.GetImageAsync(Payloads.Subscription, Payloads.ResourceGroup, Payloads.Workspace, Payloads.ImageId);

    public override Task GetPageAsync() => _api.ListImagesAsync(Payloads.Subscription, Payloads.ResourceGroup, PageWorkspace);

    public override async Task<ImageSnapshot> GetImageSnapshotAsync() =>
        Snapshot(await _api.GetImageAsync(Payloads.Subscription, Payloads.ResourceGroup, Payloads.Workspace, Payloads.ImageId).ConfigureAwait(false));

    public override async Task<(int Count, ImageSnapshot First, ImageSnapshot Last)> GetPageSnapshotAsync()
    {
        StjPage page = await _api.ListImagesAsync(Payloads.Subscription, Payloads.ResourceGroup, PageWorkspace).ConfigureAwait(false);
        return PageSnapshot(page.Value, Snapshot);
    }

    public override async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The POCOs are shared with the Azure.Core peer.</summary>
    internal static ImageSnapshot Snapshot(StjImage image) => ImageSnapshot.Of(
        image.Id,
        image.Name,
        image.Version,
        image.CreatedTime,
        image.ModelIds,
        image.ModelDetails?.Select(m => ModelSnapshot.Of(m.Id, m.Name, m.Version, m.Framework, m.FrameworkVersion, m.Datasets?.Select(d => d.Id), m.KvTags)),
        image.TargetRuntime?.RuntimeType);
}
