using System;
using System.Collections.Generic;
using System.Net.Http;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace ImageService.Client.Internal;

/// <summary>
/// The handler chain, defined once for both construction paths, outermost first: the DI path adds each stage with
/// <c>AddHttpMessageHandler</c>, the standalone path chains them over its own transport. Both build every stage with
/// <see cref="CreateHandler"/> from the state of one client registration (<see cref="Shared"/>).
/// </summary>
internal static class ImageServiceHttpPipeline
{
    public const string LoggerCategory = "ImageService.Client";

    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(2);

    public enum Stage
    {
        ClientRequestId,
        Telemetry,
        Resilience,
        Authentication,
        ResponseSizeLimit,
    }

    public static IReadOnlyList<Stage> Stages { get; } =
        [Stage.ClientRequestId, Stage.Telemetry, Stage.Resilience, Stage.Authentication, Stage.ResponseSizeLimit];

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

    public static DelegatingHandler CreateHandler(Stage stage, Shared shared) => stage switch
    {
        Stage.ClientRequestId => new ClientRequestIdHandler(),
        Stage.Telemetry => new TelemetryHandler(shared.Logger, shared.TimeProvider),
        Stage.Resilience => new ResilienceHandler(shared.Resilience),
        Stage.Authentication => new BearerTokenHandler(shared.Tokens, shared.Origins, shared.Logger),
        Stage.ResponseSizeLimit => new ResponseSizeLimitHandler(shared.Options.MaxResponseBytes),
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown stage."),
    };

    /// <summary>
    /// The standalone chain over <paramref name="transport"/>: every stage, or only <paramref name="stages"/> (in the
    /// order given, outermost first) when the benchmarks measure one layer at a time.
    /// </summary>
    public static HttpMessageHandler CreateStandalone(Shared shared, HttpMessageHandler transport, IReadOnlyList<Stage>? stages = null)
    {
        stages ??= Stages;
        HttpMessageHandler inner = transport;
        for (int i = stages.Count - 1; i >= 0; i--)
        {
            DelegatingHandler handler = CreateHandler(stages[i], shared);
            handler.InnerHandler = inner;
            inner = handler;
        }

        return inner;
    }

    public static SocketsHttpHandler CreateTransport() => new()
    {
        PooledConnectionLifetime = PooledConnectionLifetime,
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        AllowAutoRedirect = false, // a redirect would carry the Authorization header past the origin check
    };

    public static Uri NormalizeEndpoint(Uri endpoint) =>
        endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
}
