using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Azure.Core;
using ImageService.Benchmarks.Peers.Kiota;
using ImageService.Benchmarks.Peers.Kiota.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Kiota.Authentication.Azure;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using Polly;

namespace ImageService.Benchmarks.Peers;

/// <summary>
/// Kiota's client, generated at build time from openapi/images.yaml into obj/ by the Microsoft.OpenApi.Kiota dotnet
/// tool, registered the way Kiota's dependency-injection guide does: an <c>IHttpClientFactory</c> client carrying
/// Kiota's default middleware (<c>KiotaClientFactory.GetDefaultHandlerActivatableTypes</c>: retry, redirect, user
/// agent, headers inspection, …), and <c>AzureIdentityAuthenticationProvider</c> for the token. Kiota's middleware has
/// no timeouts: the total timeout is <c>HttpClient.Timeout</c>, the per-attempt one a Polly timeout inside Kiota's retry
/// handler.
/// </summary>
public sealed class KiotaPeer : PeerClient
{
    private readonly ServiceProvider _services;
    private readonly KiotaImagesClient _client;

    public KiotaPeer(Uri endpoint, TokenCredential credential)
    {
        ServiceCollection services = EqualFeatures.Services();
        foreach (Type handler in KiotaClientFactory.GetDefaultHandlerActivatableTypes())
        {
            services.AddTransient(handler);
        }

        // Kiota's retry delay is whole seconds (exponential from there); its default tries 3 times like the SDK.
        services.AddSingleton(new RetryHandlerOption { MaxRetry = EqualFeatures.Defaults.MaxRetryAttempts, Delay = 1 });
        IHttpClientBuilder builder = services.AddHttpClient(nameof(KiotaPeer), http => http.Timeout = EqualFeatures.Defaults.TotalRequestTimeout);
        foreach (Type handler in KiotaClientFactory.GetDefaultHandlerActivatableTypes())
        {
            builder.AddHttpMessageHandler(sp => (DelegatingHandler)sp.GetRequiredService(handler));
        }

        builder.AddHttpMessageHandler(() => new EqualFeatures.GuidRequestIdHandler())
            .AddResilienceHandler("attempt-timeout", pipeline => pipeline.AddTimeout(EqualFeatures.Defaults.AttemptTimeout));
        _services = services.BuildServiceProvider();

        HttpClient http = _services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(KiotaPeer));
        var authentication = new AzureIdentityAuthenticationProvider(credential, allowedHosts: [endpoint.Host], scopes: EqualFeatures.Scopes);
        var adapter = new HttpClientRequestAdapter(authentication, httpClient: http) { BaseUrl = endpoint.ToString().TrimEnd('/') };
        _client = new KiotaImagesClient(adapter);
    }

    public override string Name => "Kiota";

    public override string Description => "Kiota 1.38 generated client (dotnet tool, default settings), Microsoft.Kiota.* 2.1.6, default middleware through `IHttpClientFactory`, `AzureIdentityAuthenticationProvider`";

    public override Task GetImageAsync() => Get();

    public override Task GetPageAsync() => List();

    public override async Task<ImageSnapshot> GetImageSnapshotAsync() => Snapshot(await Get().ConfigureAwait(false));

    public override async Task<(int Count, ImageSnapshot First, ImageSnapshot Last)> GetPageSnapshotAsync()
    {
        PaginatedImageList? page = await List().ConfigureAwait(false);
        return PageSnapshot(page?.Value, Snapshot);
    }

    public override async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    // The request-builder chain a Kiota user writes, path segment by path segment.
    private Task<ImageResponseBase?> Get() =>
        Workspace(Payloads.Workspace).Images[Payloads.ImageId].GetAsync();

    private Task<PaginatedImageList?> List() =>
        Workspace(PageWorkspace).Images.GetAsync();

    private Kiota.Modelmanagement.V10.Subscriptions.Item.ResourceGroups.Item.Providers.MicrosoftMachineLearningServices.Workspaces.Item.WithWorkspaceItemRequestBuilder Workspace(string workspace) =>
        _client.Modelmanagement.V10.Subscriptions[Payloads.Subscription].ResourceGroups[Payloads.ResourceGroup].Providers.MicrosoftMachineLearningServices.Workspaces[workspace];

    private static ImageSnapshot Snapshot(ImageResponseBase? image) => ImageSnapshot.Of(
        image?.Id,
        image?.Name,
        image?.Version,
        image?.CreatedTime,
        image?.ModelIds,
        image?.ModelDetails?.Select(m => ModelSnapshot.Of(m.Id, m.Name, m.Version, m.Framework, m.FrameworkVersion, m.Datasets?.Select(d => d.Id), ModelSnapshot.Tags(m.KvTags?.AdditionalData))),
        (image as DockerImageResponse)?.TargetRuntime?.RuntimeType?.ToString());
}
