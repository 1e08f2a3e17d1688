using System;
using System.Linq;
using System.Net.Http;
using ImageService.Client;
using ImageService.Client.DependencyInjection;
using ImageService.Client.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers <see cref="ImageServiceClient"/> over <c>IHttpClientFactory</c>: one client without a name (resolved as
/// <see cref="ImageServiceClient"/>), and any number of named ones (resolved with <see cref="IImageServiceClientFactory"/>
/// or as keyed services).
/// </summary>
public static class ImageServiceServiceCollectionExtensions
{
    /// <summary>Registers the <see cref="ImageServiceClient"/> without a name, configured by <paramref name="configure"/>, with options validated at start.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder of the underlying <c>HttpClient</c>, to add handlers or configure the primary handler.</returns>
    /// <exception cref="InvalidOperationException">The client without a name is already registered.</exception>
    public static IHttpClientBuilder AddImageServiceClient(this IServiceCollection services, Action<ImageServiceClientOptions> configure) =>
        AddImageServiceClient(services, Options.Options.DefaultName, configure);

    /// <summary>Registers the <see cref="ImageServiceClient"/> without a name, bound to <paramref name="configuration"/>, with options validated at start.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the options (for example <c>Endpoint</c>, <c>SubscriptionId</c>, <c>MaxRetryAttempts</c>).</param>
    /// <returns>The builder of the underlying <c>HttpClient</c>, to add handlers or configure the primary handler.</returns>
    /// <exception cref="InvalidOperationException">The client without a name is already registered.</exception>
    /// <remarks>A credential cannot come from configuration: set <see cref="ImageServiceClientOptions.Credential"/> with <c>services.Configure</c>.</remarks>
    public static IHttpClientBuilder AddImageServiceClient(this IServiceCollection services, IConfiguration configuration) =>
        AddImageServiceClient(services, Options.Options.DefaultName, configuration);

    /// <summary>
    /// Registers an <see cref="ImageServiceClient"/> named <paramref name="name"/>, configured by
    /// <paramref name="configure"/>, with its own options (validated at start), handler chain, circuit breaker and token cache.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The name, for <see cref="IImageServiceClientFactory.CreateClient"/> and as the service key (<c>[FromKeyedServices("staging")]</c>); the empty string registers the client without a name.</param>
    /// <param name="configure">Sets the options of this name.</param>
    /// <returns>The builder of the name's <c>HttpClient</c>, to add handlers or configure the primary handler.</returns>
    /// <exception cref="InvalidOperationException">A client is already registered under <paramref name="name"/>.</exception>
    public static IHttpClientBuilder AddImageServiceClient(this IServiceCollection services, string name, Action<ImageServiceClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, name, options => options.Configure(configure));
    }

    /// <summary>
    /// Registers an <see cref="ImageServiceClient"/> named <paramref name="name"/>, bound to
    /// <paramref name="configuration"/>, with its own options (validated at start), handler chain, circuit breaker and token cache.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The name, for <see cref="IImageServiceClientFactory.CreateClient"/> and as the service key (<c>[FromKeyedServices("staging")]</c>); the empty string registers the client without a name.</param>
    /// <param name="configuration">The section holding the options of this name (for example <c>ImageService:Staging</c>).</param>
    /// <returns>The builder of the name's <c>HttpClient</c>, to add handlers or configure the primary handler.</returns>
    /// <exception cref="InvalidOperationException">A client is already registered under <paramref name="name"/>.</exception>
    /// <remarks>A credential cannot come from configuration: set it with <c>services.Configure&lt;ImageServiceClientOptions&gt;(name, ...)</c>.</remarks>
    public static IHttpClientBuilder AddImageServiceClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, name, options => options.Bind(configuration));
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services, string name, Action<OptionsBuilder<ImageServiceClientOptions>> bind)
    {
        Registrations(services).Add(name); // throws on a second registration of the name, before anything is added

        OptionsBuilder<ImageServiceClientOptions> options = services.AddOptions<ImageServiceClientOptions>(name);
        bind(options);
        options
            .PostConfigure<IServiceProvider>((o, provider) =>
            {
                o.LoggerFactory ??= provider.GetService<ILoggerFactory>();
                o.TimeProvider ??= provider.GetService<TimeProvider>();
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImageServiceClientOptions>, ImageServiceClientOptionsValidator>());
        services.TryAddSingleton<ImageServiceClientStates>();
        services.TryAddSingleton<IImageServiceClientFactory, ImageServiceClientFactory>();

        IHttpClientBuilder builder = services.AddHttpClient(ImageServiceClientRegistrations.HttpClientName(name));
        builder.ConfigureHttpClient((provider, httpClient) =>
            ImageServiceHttpPipeline.ConfigureHttpClient(httpClient, provider.GetRequiredService<IOptionsMonitor<ImageServiceClientOptions>>().Get(name)));
        ImageServiceHttpPipeline.AddTo(builder, provider => provider.GetRequiredService<ImageServiceClientStates>().Get(name));

        // IHttpClientFactory's default logging handlers put every request header, Authorization included, into the
        // structured state of their Trace records (RedactLoggedHeaders only masks the formatted text), where a structured
        // log sink would store the token. The client's own TelemetryHandler logs each call, redacted.
        builder.RemoveAllLoggers();

        // Never follow redirects: a redirect would carry the Authorization header past the origin check.
        builder.ConfigurePrimaryHttpMessageHandler(() => ImageServiceHttpPipeline.CreateTransport());

        // Transient, like a typed client: each resolution wraps a new HttpClient over the name's pooled handlers.
        if (name.Length == 0)
        {
            services.AddTransient(provider => provider.GetRequiredService<IImageServiceClientFactory>().CreateClient(name));
        }
        else
        {
            services.AddKeyedTransient(name, (provider, _) => provider.GetRequiredService<IImageServiceClientFactory>().CreateClient(name));
        }

        return builder;
    }

    private static ImageServiceClientRegistrations Registrations(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(ImageServiceClientRegistrations) && !d.IsKeyedService)?.ImplementationInstance
            is ImageServiceClientRegistrations existing)
        {
            return existing;
        }

        var registrations = new ImageServiceClientRegistrations();
        services.AddSingleton(registrations);
        return registrations;
    }
}
