using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using ImageService.Client.Internal;
using Microsoft.Extensions.Options;

namespace ImageService.Client.DependencyInjection;

/// <summary>
/// The names registered with <c>AddImageServiceClient</c> in one service collection, recorded at registration so that
/// a second registration of a name fails there, not later with a doubled handler chain.
/// </summary>
internal sealed class ImageServiceClientRegistrations
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _names;

    /// <summary>The <c>IHttpClientFactory</c> name of a registration (the unnamed one keeps the typed-client name it always had).</summary>
    public static string HttpClientName(string name) =>
        name.Length == 0 ? nameof(ImageServiceClient) : nameof(ImageServiceClient) + ":" + name;

    public static string Describe(string name) => name.Length == 0 ? "the ImageServiceClient registered without a name" : $"the ImageServiceClient named '{name}'";

    public bool Contains(string name) => _names.Contains(name);

    public void Add(string name)
    {
        if (!_names.Add(name))
        {
            string how = name.Length == 0
                ? "To change its options, use services.Configure<ImageServiceClientOptions>(...); to talk to another workspace, register a named client: services.AddImageServiceClient(\"name\", ...)."
                : $"To change its options, use services.Configure<ImageServiceClientOptions>(\"{name}\", ...); to talk to another workspace, register it under another name.";
            throw new InvalidOperationException($"AddImageServiceClient was called twice for {Describe(name)}: each name can be registered once. {how}");
        }
    }
}

/// <summary>
/// The state of each registered name in one service provider, built on first use from that name's options: the token
/// cache and the resilience pipeline (circuit breaker) that every handler chain of the name shares.
/// </summary>
internal sealed class ImageServiceClientStates
{
    private readonly IOptionsMonitor<ImageServiceClientOptions> _options;
    private readonly ConcurrentDictionary<string, Lazy<ImageServiceHttpPipeline.Shared>> _states = new(StringComparer.Ordinal);

    public ImageServiceClientStates(IOptionsMonitor<ImageServiceClientOptions> options) => _options = options;

    public ImageServiceHttpPipeline.Shared Get(string name) =>
        _states.GetOrAdd(name, n => new Lazy<ImageServiceHttpPipeline.Shared>(() => new ImageServiceHttpPipeline.Shared(_options.Get(n)))).Value;
}

/// <summary>Creates the client of a registered name over that name's <c>IHttpClientFactory</c> client.</summary>
internal sealed class ImageServiceClientFactory : IImageServiceClientFactory
{
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IOptionsMonitor<ImageServiceClientOptions> _options;
    private readonly ImageServiceClientRegistrations _registrations;

    public ImageServiceClientFactory(IHttpClientFactory httpClientFactory, IOptionsMonitor<ImageServiceClientOptions> options, ImageServiceClientRegistrations registrations)
    {
        _httpClientFactory = httpClientFactory;
        _options = options;
        _registrations = registrations;
    }

    public ImageServiceClient CreateClient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_registrations.Contains(name))
        {
            string registered = _registrations.Names.Count == 0
                ? "none"
                : string.Join(", ", _registrations.Names.Order(StringComparer.Ordinal).Select(n => n.Length == 0 ? "(no name)" : $"'{n}'"));
            throw new InvalidOperationException(name.Length == 0
                ? $"No ImageServiceClient is registered without a name (registered: {registered}). Register it with services.AddImageServiceClient(...), or create a named one."
                : $"No ImageServiceClient is registered under the name '{name}' (registered: {registered}). Register it with services.AddImageServiceClient(\"{name}\", ...).");
        }

        return new ImageServiceClient(
            _httpClientFactory.CreateClient(ImageServiceClientRegistrations.HttpClientName(name)),
            ValidatedOptions.FromOptionsMonitor(_options.Get(name)));
    }
}
