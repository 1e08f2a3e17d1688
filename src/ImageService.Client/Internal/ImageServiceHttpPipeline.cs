using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace ImageService.Client.Internal;

/// <summary>
/// The one definition of the request path. Every request passes, outermost first, the stages of <see cref="Stages"/>:
/// <list type="number">
/// <item><see cref="Stage.Telemetry"/>: stamps <c>x-ms-client-request-id</c> and <c>User-Agent</c>, logs and measures the call (all its retries);</item>
/// <item><see cref="Stage.Resilience"/>: total timeout, retry, circuit breaker, attempt timeout (<see cref="ImageServiceResilience"/>);</item>
/// <item><see cref="Stage.Authentication"/>: the bearer token, for the allowed origins only, and the claims challenge;</item>
/// <item><see cref="Stage.ResponseSizeLimit"/>: reads each attempt's body into memory, at most <c>MaxResponseBytes</c>;</item>
/// <item><see cref="Stage.ResendGuard"/>: a create or a patch reaches the wire at most once per call once the service may have acted on it;</item>
/// </list>
/// then the transport (<see cref="CreateTransport"/>). Both construction paths take the chain from
/// <see cref="CreateHandlers"/>: dependency injection hands it to <c>IHttpClientFactory</c> (<see cref="AddTo"/>), the
/// standalone client links it over its own transport (<see cref="CreateStandalone"/>); neither builds it another way.
/// </summary>
internal static class ImageServiceHttpPipeline
{
    public const string LoggerCategory = "ImageService.Client";

    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(2);

    public enum Stage
    {
        Telemetry,
        Resilience,
        Authentication,
        ResponseSizeLimit,
        ResendGuard,
    }

    /// <summary>The stages of the chain, outermost first.</summary>
    public static IReadOnlyList<Stage> Stages { get; } = [Stage.Telemetry, Stage.Resilience, Stage.Authentication, Stage.ResponseSizeLimit, Stage.ResendGuard];

    /// <summary>The stages dependency injection adds where the registration is; <see cref="Stage.ResendGuard"/> goes last of all.</summary>
    private static readonly Stage[] s_registeredStages = [.. Stages.Where(stage => stage != Stage.ResendGuard)];

    /// <summary>
    /// The state of one client registration (one name, through dependency injection) that outlives the handlers
    /// <c>IHttpClientFactory</c> rotates: the token cache and the resilience pipeline, whose circuit breaker counts the
    /// failures of this registration alone.
    /// </summary>
    internal sealed class Shared
    {
        public Shared(ImageServiceClientOptions options)
        {
            Options = options;
            TimeProvider = options.TimeProvider ?? TimeProvider.System;
            Logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger(LoggerCategory);
            Origins = new OriginPolicy(options);
            Tokens = AccessTokenCache.Create(options, TimeProvider, Logger);
            Resilience = ImageServiceResilience.Build(options, TimeProvider, Logger);
        }

        public ImageServiceClientOptions Options { get; }

        public TimeProvider TimeProvider { get; }

        public ILogger Logger { get; }

        public OriginPolicy Origins { get; }

        public AccessTokenCache? Tokens { get; }

        public ResiliencePipeline<HttpResponseMessage> Resilience { get; }
    }

    /// <summary>
    /// The handlers of one chain for one registration, outermost first: every stage, or only <paramref name="stages"/>
    /// (a filter of <see cref="Stages"/>, kept in the order given) when the benchmarks measure one layer at a time.
    /// </summary>
    public static List<DelegatingHandler> CreateHandlers(Shared shared, IEnumerable<Stage>? stages = null) =>
        [.. (stages ?? Stages).Select(stage => CreateHandler(stage, shared))];

    /// <summary>
    /// Adds the chain to an <c>IHttpClientFactory</c> client. The handlers go in first, so a handler the application
    /// adds on the returned builder (<c>AddHttpMessageHandler</c>) sits inside the chain, and a handler the host adds to
    /// every client (<c>ConfigureHttpClientDefaults</c>, whose actions run before any client's own) sits outside it.
    /// Then, after every other configuration of the client (a post-configure action runs after all of them), the SDK
    /// takes its resilience back (<see cref="TakeOwnership"/>).
    /// </summary>
    public static void AddTo(IHttpClientBuilder builder, Func<IServiceProvider, Shared> shared)
    {
        builder.ConfigureAdditionalHttpMessageHandlers((handlers, provider) =>
        {
            foreach (DelegatingHandler handler in CreateHandlers(shared(provider), s_registeredStages))
            {
                handlers.Add(handler);
            }
        });
        builder.Services.PostConfigure<HttpClientFactoryOptions>(builder.Name, options =>
            options.HttpMessageHandlerBuilderActions.Add(handlers => TakeOwnership(handlers.AdditionalHandlers, shared(handlers.Services))));
    }

    /// <summary>
    /// The SDK owns the resilience of its client, whatever the host adds: every resilience handler of
    /// Microsoft.Extensions.Http.Resilience but the SDK's own is removed (<c>AddStandardResilienceHandler</c>,
    /// <c>AddStandardHedgingHandler</c>, <c>AddResilienceHandler</c>, from <c>ConfigureHttpClientDefaults</c> or on
    /// the returned builder; what the library's own <c>RemoveAllResilienceHandlers</c> removes), since their retries
    /// would resend creates and patches and their timeouts would cut the SDK's. A retrying handler of another kind
    /// cannot be recognised; <see cref="ResendGuardHandler"/>, added here after every other handler, keeps it from
    /// sending a write twice.
    /// </summary>
    internal static void TakeOwnership(IList<DelegatingHandler> handlers, Shared shared)
    {
        for (int i = handlers.Count - 1; i >= 0; i--)
        {
            if (SdkResilienceHandler.IsForeign(handlers[i]))
            {
                handlers.RemoveAt(i);
            }
        }

        handlers.Add(CreateHandler(Stage.ResendGuard, shared));
    }

    /// <summary>The chain over <paramref name="transport"/>, linked by <c>IHttpClientFactory</c>'s own helper.</summary>
    public static HttpMessageHandler CreateStandalone(HttpMessageHandler transport, IEnumerable<DelegatingHandler> handlers) =>
        StandaloneChain.Link(transport, handlers);

    /// <summary>
    /// The set-up of every <see cref="HttpClient"/> the SDK's chain runs in, on both paths: the endpoint as base
    /// address, and no HttpClient timeout, since the resilience pipeline owns the timeouts (attempt and total) and
    /// HttpClient's own 100 s default must not undercut them.
    /// </summary>
    public static void ConfigureHttpClient(HttpClient httpClient, ImageServiceClientOptions options)
    {
        httpClient.BaseAddress = NormalizeEndpoint(options.Endpoint!);
        httpClient.Timeout = Timeout.InfiniteTimeSpan;
    }

    public static SocketsHttpHandler CreateTransport() => new()
    {
        PooledConnectionLifetime = PooledConnectionLifetime,
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        AllowAutoRedirect = false, // a redirect would carry the Authorization header past the origin check
        PlaintextStreamFilter = ConnectionTracking.Wrap, // so that a connection that answered for another resource is closed
    };

    public static Uri NormalizeEndpoint(Uri endpoint) =>
        endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");

    private static DelegatingHandler CreateHandler(Stage stage, Shared shared) => stage switch
    {
        Stage.Telemetry => new TelemetryHandler(shared.Logger, shared.TimeProvider),
        Stage.Resilience => new SdkResilienceHandler(request =>
        {
            CallBudget.Start(request, shared.TimeProvider);
            return shared.Resilience;
        }),
        Stage.Authentication => new BearerTokenHandler(shared.Tokens, shared.Origins, shared.Options, shared.TimeProvider, shared.Logger),
        Stage.ResponseSizeLimit => new ResponseSizeLimitHandler(shared.Options.MaxResponseBytes),
        Stage.ResendGuard => new ResendGuardHandler(shared.Options.MaxResponseBytes, shared.Options.AttemptTimeout, shared.Logger),
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage."),
    };

    /// <summary>Only a door to <see cref="HttpMessageHandlerBuilder.CreateHandlerPipeline"/>, which is protected.</summary>
    private sealed class StandaloneChain : HttpMessageHandlerBuilder
    {
        private StandaloneChain()
        {
        }

        public override string? Name { get; set; }

        public override HttpMessageHandler PrimaryHandler { get; set; } = null!;

        public override IList<DelegatingHandler> AdditionalHandlers { get; } = [];

        public static HttpMessageHandler Link(HttpMessageHandler transport, IEnumerable<DelegatingHandler> handlers) =>
            CreateHandlerPipeline(transport, [.. handlers]);

        public override HttpMessageHandler Build() => CreateHandlerPipeline(PrimaryHandler, AdditionalHandlers);
    }

#pragma warning disable EXTEXP0001 // ResilienceHandler is experimental in Microsoft.Extensions.Http.Resilience 8.x (the net8.0 build) and stable from 9.0: the same public type and constructor on both
    /// <summary>The SDK's own resilience handler: a type of its own, so that <see cref="TakeOwnership"/> tells it from a host's.</summary>
    internal sealed class SdkResilienceHandler : ResilienceHandler
    {
        public SdkResilienceHandler(Func<HttpRequestMessage, ResiliencePipeline<HttpResponseMessage>> pipelineProvider)
            : base(pipelineProvider)
        {
        }

        /// <summary>A resilience handler of Microsoft.Extensions.Http.Resilience that the SDK did not add.</summary>
        public static bool IsForeign(DelegatingHandler handler) => handler is ResilienceHandler and not SdkResilienceHandler;
    }
#pragma warning restore EXTEXP0001
}
