using System;
using Microsoft.Extensions.Options;

namespace ImageService.Client;

/// <summary>
/// Creates the <see cref="ImageServiceClient"/> of a name registered with
/// <c>services.AddImageServiceClient(name, ...)</c>, the way <c>IHttpClientFactory</c> creates named <c>HttpClient</c>s
/// (and <c>IAzureClientFactory&lt;T&gt;</c> named Azure clients). Registered by every <c>AddImageServiceClient</c> call.
/// </summary>
/// <remarks>
/// Each name has its own options, its own <c>HttpClient</c> handler chain (a named client of <c>IHttpClientFactory</c>),
/// its own circuit breaker and its own token cache. A named client can also be injected as a keyed service:
/// <c>[FromKeyedServices("staging")] ImageServiceClient staging</c>.
/// </remarks>
public interface IImageServiceClientFactory
{
    /// <summary>Creates the client registered under <paramref name="name"/>.</summary>
    /// <param name="name">The name given to <c>AddImageServiceClient</c>; <see cref="Options.DefaultName"/> (the empty string) for the client registered without a name.</param>
    /// <returns>
    /// A client over the name's pooled handler chain. Clients are cheap and need no disposal; they share the name's
    /// connections, circuit breaker and token cache.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No client is registered under <paramref name="name"/>; the message lists the registered names.</exception>
    /// <exception cref="OptionsValidationException">The name's options are invalid.</exception>
    ImageServiceClient CreateClient(string name);
}
