using System;
using System.Net.Http;
using System.Threading;
using ImageService.Client;
using ImageService.Client.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="ImageServiceClient"/> as a typed client of <c>IHttpClientFactory</c>.</summary>
public static class ImageServiceServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ImageServiceClient"/>, configured by <paramref name="configure"/>, with options validated at start.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder of the underlying <c>HttpClient</c>, to add handlers or configure the primary handler.</returns>
    public static IHttpClientBuilder AddImageServiceClient(this IServiceCollection services, Action<ImageServiceClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ImageServiceClientOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>Registers <see cref="ImageServiceClient"/>, bound to <paramref name="configuration"/>, with options validated at start.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the options (for example <c>Endpoint</c>, <c>SubscriptionId</c>, <c>MaxRetryAttempts</c>).</param>
    /// <returns>The builder of the underlying <c>HttpClient</c>, to add handlers or configure the primary handler.</returns>
    /// <remarks>A credential cannot come from configuration: set <see cref="ImageServiceClientOptions.Credential"/> with <c>services.Configure</c>.</remarks>
    public static IHttpClientBuilder AddImageServiceClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ImageServiceClientOptions>().Bind(configuration);
        return AddCore(services);
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services)
    {
        services.AddOptions<ImageServiceClientOptions>()
            .PostConfigure<IServiceProvider>((options, provider) =>
            {
                options.LoggerFactory ??= provider.GetService<ILoggerFactory>();
                options.TimeProvider ??= provider.GetService<TimeProvider>();
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImageServiceClientOptions>, ImageServiceClientOptionsValidator>());
        services.TryAddSingleton(provider => new ImageServiceHttpPipeline.Shared(provider.GetRequiredService<IOptions<ImageServiceClientOptions>>().Value));

        IHttpClientBuilder builder = services.AddHttpClient<ImageServiceClient, ImageServiceClient>((HttpClient httpClient, IServiceProvider provider) =>
            new ImageServiceClient(httpClient, provider.GetRequiredService<IOptions<ImageServiceClientOptions>>().Value));

        builder.ConfigureHttpClient((provider, httpClient) =>
        {
            ImageServiceClientOptions options = provider.GetRequiredService<IOptions<ImageServiceClientOptions>>().Value;
            if (options.Endpoint is { IsAbsoluteUri: true } endpoint)
            {
                httpClient.BaseAddress = ImageServiceHttpPipeline.NormalizeEndpoint(endpoint);
            }

            // The resilience pipeline owns timeouts (attempt and total); HttpClient's own 100 s default must not undercut them.
            httpClient.Timeout = Timeout.InfiniteTimeSpan;
        });

        foreach (ImageServiceHttpPipeline.Stage stage in ImageServiceHttpPipeline.Stages)
        {
            if (stage == ImageServiceHttpPipeline.Stage.Resilience)
            {
                builder.AddResilienceHandler(ImageServiceResilience.PipelineName, (pipeline, context) =>
                    ImageServiceHttpPipeline.ConfigureResilience(pipeline, context.ServiceProvider.GetRequiredService<ImageServiceHttpPipeline.Shared>()));
            }
            else
            {
                builder.AddHttpMessageHandler(provider =>
                    ImageServiceHttpPipeline.CreateHandler(stage, provider.GetRequiredService<ImageServiceHttpPipeline.Shared>()));
            }
        }

        // IHttpClientFactory's default logging handlers put every request header, Authorization included, into the
        // structured state of their Trace records (RedactLoggedHeaders only masks the formatted text), where a structured
        // log sink would store the token. The client's own TelemetryHandler logs each call, redacted.
        builder.RemoveAllLoggers();

        // Never follow redirects: a redirect would carry the Authorization header past the origin check.
        builder.ConfigurePrimaryHttpMessageHandler(() => ImageServiceHttpPipeline.CreateTransport());
        return builder;
    }
}
