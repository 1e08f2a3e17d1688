using System;
using System.Collections.Generic;
using System.Net.Http;
using ImageService.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageService.Client.IntegrationTests.TestSupport;

/// <summary>
/// A client built the way applications build it: <c>services.AddImageServiceClient</c> over <c>IHttpClientFactory</c>,
/// with the SDK's whole handler chain. Tests may append handlers (innermost, next to the transport), replace the
/// transport with a stub, add a logger provider, and configure the host's services as an application does (for
/// example <c>ConfigureHttpClientDefaults</c>, before or after the client's registration).
/// </summary>
internal sealed class ClientHost : IDisposable
{
    private readonly ServiceProvider _provider;

    private ClientHost(ServiceProvider provider)
    {
        _provider = provider;
        Client = provider.GetRequiredService<ImageServiceClient>();
    }

    public ImageServiceClient Client { get; }

    /// <summary>Short delays and timeouts so that every retry and timeout path runs in milliseconds.</summary>
    public static void Fast(ImageServiceClientOptions options)
    {
        options.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.MaxDelay = TimeSpan.FromMilliseconds(200);
        options.AttemptTimeout = TimeSpan.FromMilliseconds(500);
        options.TotalRequestTimeout = TimeSpan.FromSeconds(10);
        options.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(2);
        options.PollingInterval = TimeSpan.FromMilliseconds(20);
        options.MinimumPollingInterval = TimeSpan.FromMilliseconds(10); // the emulator asks for half a build step
        options.OperationTimeout = TimeSpan.FromSeconds(20);
    }

    public static ClientHost ForEmulator(
        ImageServiceEmulator emulator,
        Action<ImageServiceClientOptions>? configure = null,
        IEnumerable<Func<DelegatingHandler>>? handlers = null,
        ILoggerProvider? loggerProvider = null,
        Uri? endpoint = null) =>
        Create(options =>
        {
            UseEmulator(options, emulator);
            options.Endpoint = endpoint ?? emulator.BaseAddress;
            Fast(options);
            configure?.Invoke(options);
        }, handlers, loggerProvider);

    /// <summary>The emulator's endpoint and workspace, and a credential that issues its token.</summary>
    public static void UseEmulator(ImageServiceClientOptions options, ImageServiceEmulator emulator)
    {
        options.Endpoint = emulator.BaseAddress;
        options.SubscriptionId = emulator.SubscriptionId;
        options.ResourceGroup = emulator.ResourceGroup;
        options.Workspace = emulator.Workspace;
        options.Credential = new StaticTokenCredential(emulator.AccessToken);
    }

    public static ClientHost Create(
        Action<ImageServiceClientOptions> configure,
        IEnumerable<Func<DelegatingHandler>>? handlers = null,
        ILoggerProvider? loggerProvider = null,
        Func<HttpMessageHandler>? transport = null,
        Action<IServiceCollection>? host = null,
        bool hostAfterClient = false)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (loggerProvider is not null)
            {
                logging.AddProvider(loggerProvider);
            }
        });
        if (!hostAfterClient)
        {
            host?.Invoke(services);
        }

        IHttpClientBuilder builder = services.AddImageServiceClient(configure);
        if (hostAfterClient)
        {
            host?.Invoke(services);
        }

        foreach (Func<DelegatingHandler> handler in handlers ?? [])
        {
            builder.AddHttpMessageHandler(handler);
        }

        if (transport is not null)
        {
            builder.ConfigurePrimaryHttpMessageHandler(transport);
        }

        return new ClientHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    public void Dispose() => _provider.Dispose();
}
