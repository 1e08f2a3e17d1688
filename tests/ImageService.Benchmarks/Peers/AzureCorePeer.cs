using System;
using System.Diagnostics.Tracing;
using System.Threading;
using System.Threading.Tasks;
using Azure;
using Azure.Core;
using Azure.Core.Diagnostics;
using Azure.Core.Pipeline;

namespace ImageService.Benchmarks.Peers;

/// <summary>
/// A small client on Azure.Core's <see cref="HttpPipeline"/>, the way Azure SDKs are built: <see cref="ClientOptions"/>
/// with <see cref="RetryOptions"/> (exponential back-off, the per-attempt <see cref="RetryOptions.NetworkTimeout"/>),
/// <see cref="HttpPipelineBuilder"/>'s standard policies (request id, User-Agent, retry, logging, tracing, response
/// buffering) and <see cref="BearerTokenAuthenticationPolicy"/>, which caches the token. Azure SDKs have no total
/// timeout of their own (the caller's token is the budget): each call here adds one, as an application would. The
/// models are the same POCOs as Refit's, read by System.Text.Json's source generator (<see cref="StjContext"/>).
/// Logging: Azure.Core logs through its event source; an <see cref="AzureEventSourceListener"/> at Informational
/// writes nowhere, as the other rows' loggers do.
/// </summary>
public sealed class AzureCorePeer : PeerClient
{
    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;
    private readonly AzureEventSourceListener _logging;

    public AzureCorePeer(Uri endpoint, TokenCredential credential)
    {
        // BearerTokenAuthenticationPolicy refuses plain http; the bench server is plain http on loopback. So the client
        // addresses https and the last per-attempt policy sends the request over http (LoopbackHttpPolicy).
        _endpoint = new UriBuilder(endpoint) { Scheme = Uri.UriSchemeHttps, Port = endpoint.Port }.Uri;
        var options = new ImagesClientOptions();
        options.Retry.MaxRetries = EqualFeatures.Defaults.MaxRetryAttempts;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = EqualFeatures.Defaults.BaseDelay;
        options.Retry.MaxDelay = EqualFeatures.Defaults.MaxDelay;
        options.Retry.NetworkTimeout = EqualFeatures.Defaults.AttemptTimeout;
        _pipeline = HttpPipelineBuilder.Build(
            options,
            perCallPolicies: [],
            perRetryPolicies: [new BearerTokenAuthenticationPolicy(credential, EqualFeatures.Scopes), new LoopbackHttpPolicy()],
            new ResponseClassifier());
        _logging = new AzureEventSourceListener((_, _) => { }, EventLevel.Informational);
    }

    public override string Name => "Azure.Core";

    public override string Description => "a small client on Azure.Core 1.50 `HttpPipeline` (`HttpPipelineBuilder`, `RetryOptions`, `BearerTokenAuthenticationPolicy`), System.Text.Json source-generated POCOs";

    public override Task GetImageAsync() => GetAsync(ImagePath(), StjContext.Default.StjImage, CancellationToken.None);

    public override Task GetPageAsync() => GetAsync(ListPath(), StjContext.Default.StjPage, CancellationToken.None);

    public override async Task<ImageSnapshot> GetImageSnapshotAsync() =>
        RefitPeer.Snapshot(await GetAsync(ImagePath(), StjContext.Default.StjImage, CancellationToken.None).ConfigureAwait(false));

    public override async Task<(int Count, ImageSnapshot First, ImageSnapshot Last)> GetPageSnapshotAsync()
    {
        StjPage page = await GetAsync(ListPath(), StjContext.Default.StjPage, CancellationToken.None).ConfigureAwait(false);
        return PageSnapshot(page.Value, RefitPeer.Snapshot);
    }

    public override ValueTask DisposeAsync()
    {
        _logging.Dispose();
        return base.DisposeAsync();
    }

    private static string ImagePath() => "/" + Payloads.ImagePath(Payloads.Workspace, Payloads.ImageId);

    private static string ListPath() => "/" + Payloads.ListPath(PageWorkspace);

    private async Task<T> GetAsync<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        total.CancelAfter(EqualFeatures.Defaults.TotalRequestTimeout);
        using HttpMessage message = _pipeline.CreateMessage();
        Request request = message.Request;
        request.Method = RequestMethod.Get;
        request.Uri.Reset(_endpoint);
        request.Uri.AppendPath(path, escape: false);
        request.Headers.Add("Accept", "application/json");
        await _pipeline.SendAsync(message, total.Token).ConfigureAwait(false);
        Response response = message.Response;
        if (response.Status != 200)
        {
            throw new RequestFailedException(response);
        }

        return System.Text.Json.JsonSerializer.Deserialize(response.ContentStream!, type)
            ?? throw new InvalidOperationException("The service returned an empty body.");
    }

    private sealed class ImagesClientOptions : ClientOptions
    {
    }

    /// <summary>The one change from a production Azure SDK client: each attempt goes to the loopback server over http.</summary>
    private sealed class LoopbackHttpPolicy : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            message.Request.Uri.Scheme = Uri.UriSchemeHttp;
            try
            {
                ProcessNext(message, pipeline);
            }
            finally
            {
                message.Request.Uri.Scheme = Uri.UriSchemeHttps;
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            message.Request.Uri.Scheme = Uri.UriSchemeHttp;
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            finally
            {
                message.Request.Uri.Scheme = Uri.UriSchemeHttps;
            }
        }
    }
}
