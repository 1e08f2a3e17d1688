using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using ImageService.Client;
using ImageService.Client.Internal;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;

namespace ImageService.Benchmarks;

/// <summary>A credential that issues one long-lived token and counts how often it is asked.</summary>
public sealed class CountingCredential : TokenCredential
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return new AccessToken("bench-token-0123456789abcdef0123456789abcdef", DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}

/// <summary>A logger provider whose loggers are enabled at every level and write nowhere: the SDK pays for logging, not for I/O.</summary>
public sealed class NoopLoggerProvider : ILoggerProvider
{
    private readonly NoopLogger _logger = new();

    public ILogger CreateLogger(string categoryName) => _logger;

    public void Dispose()
    {
    }

    private sealed class NoopLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}

/// <summary>The two clients every HTTP comparison runs side by side.</summary>
public static class Clients
{
    /// <summary>The SDK with its full pipeline: resilience, bearer auth over a cached token, logging at Information, no tracing listener.</summary>
    public static (ImageServiceClient Client, CountingCredential Credential, ILoggerFactory Logging) CreateSdk(Uri endpoint, string workspace = Payloads.Workspace)
    {
        var credential = new CountingCredential();
        ILoggerFactory logging = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new NoopLoggerProvider()));
        return (new ImageServiceClient(Options(endpoint, credential, logging, workspace)), credential, logging);
    }

    /// <summary>The options every SDK client here uses.</summary>
    public static ImageServiceClientOptions Options(Uri endpoint, TokenCredential credential, ILoggerFactory logging, string workspace = Payloads.Workspace) => new()
    {
        Endpoint = endpoint,
        SubscriptionId = Payloads.Subscription,
        ResourceGroup = Payloads.ResourceGroup,
        Workspace = workspace,
        Credential = credential,
        LoggerFactory = logging,
    };

    /// <summary>
    /// The SDK facade over only the given stages of its handler chain (in the chain's order) and the given transport:
    /// the ablations measure each layer's cost this way.
    /// </summary>
    internal static ImageServiceClient CreateLayered(HttpMessageHandler transport, Uri endpoint, ILoggerFactory logging, params ImageServiceHttpPipeline.Stage[] stages)
    {
        ImageServiceClientOptions options = Options(endpoint, new CountingCredential(), logging);
        var http = new HttpClient(ImageServiceHttpPipeline.CreateStandalone(transport, ImageServiceHttpPipeline.CreateHandlers(new ImageServiceHttpPipeline.Shared(options), stages)));
        ImageServiceHttpPipeline.ConfigureHttpClient(http, options);
        return new ImageServiceClient(http, options);
    }

    /// <summary>The floor's transport: the same socket settings the SDK uses.</summary>
    public static HttpClient CreateFloorHttpClient(Uri endpoint, HttpMessageHandler? transport = null)
    {
        HttpMessageHandler handler = transport ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.All,
            AllowAutoRedirect = false,
        };
        var http = new HttpClient(handler) { BaseAddress = endpoint };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "bench-token-0123456789abcdef0123456789abcdef");
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http;
    }
}

/// <summary>The physical floor: a hand-written GET that streams the body through Newtonsoft into the SDK's own DTO type.</summary>
public sealed class FloorClient : IDisposable
{
    private static readonly JsonSerializer s_serializer = JsonSerializer.Create(ImageServiceJson.CreateSettings());
    private readonly HttpClient _http;
    private readonly string _imagePath;

    public FloorClient(Uri endpoint, HttpMessageHandler? transport = null)
    {
        _http = Clients.CreateFloorHttpClient(endpoint, transport);
        _imagePath = Payloads.ImagePath(Payloads.Workspace, Payloads.ImageId);
    }

    public Task<ImageResponseBase> GetImageAsync(CancellationToken cancellationToken = default) => GetAsync<ImageResponseBase>(_imagePath, cancellationToken);

    /// <summary>The same hand-written call for any path, for example a page of the listing.</summary>
    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new JsonTextReader(new StreamReader(stream));
        return s_serializer.Deserialize<T>(reader) ?? throw new InvalidDataException("Empty body.");
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Sanity checks run once in every GlobalSetup, so a benchmark never measures a wrong answer.</summary>
public static class Check
{
    public static void Image(ImageResponseBase image)
    {
        if (image is not DockerImageResponse { Name: "loan-scorer-7", TargetRuntime: not null } docker || docker.ModelDetails is not { Count: 2 } || docker.ImageFlavor is null)
        {
            throw new InvalidOperationException($"Unexpected image: {image?.GetType().Name} {image?.Name}.");
        }
    }

    public static void That(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
