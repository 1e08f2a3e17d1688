using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using ImageService.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace ImageService.Benchmarks.Peers;

/// <summary>
/// What every peer gets, so that it does the SDK's job and no less: a bearer token from a <see cref="TokenCredential"/>,
/// retry with exponential back-off and jitter, a per-attempt and a total timeout, a client request id, and logging at
/// Information into a logger that is enabled and writes nowhere (as the SDK's rows do). The numbers are the SDK's own
/// defaults, read from <see cref="ImageServiceClientOptions"/>, so the peers follow them if they change.
/// </summary>
public static class EqualFeatures
{
    /// <summary>The SDK's defaults, the settings every peer copies.</summary>
    public static readonly ImageServiceClientOptions Defaults = new();

    /// <summary>The token scope every client asks for.</summary>
    public static readonly string[] Scopes = [ImageServiceClientOptions.DefaultScope];

    /// <summary>The header name the SDK (and Azure.Core) send the request id in.</summary>
    public const string ClientRequestIdHeader = "x-ms-client-request-id";

    /// <summary>The DI container of an <c>IHttpClientFactory</c> peer: logging at Information into the no-op provider.</summary>
    public static ServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new NoopLoggerProvider()));
        return services;
    }

    /// <summary>
    /// <c>AddStandardResilienceHandler</c> with the SDK's numbers: total and attempt timeouts, retries, back-off, and
    /// the circuit breaker. Its rate limiter stays at its default (1,000 concurrent requests): it is part of the
    /// standard handler users add.
    /// </summary>
    public static void StandardResilience(HttpStandardResilienceOptions options)
    {
        options.TotalRequestTimeout.Timeout = Defaults.TotalRequestTimeout;
        options.AttemptTimeout.Timeout = Defaults.AttemptTimeout;
        options.Retry.MaxRetryAttempts = Defaults.MaxRetryAttempts;
        options.Retry.BackoffType = DelayBackoffType.Exponential;
        options.Retry.UseJitter = true;
        options.Retry.Delay = Defaults.BaseDelay;
        options.Retry.MaxDelay = Defaults.MaxDelay;
        options.CircuitBreaker.FailureRatio = Defaults.CircuitBreakerFailureRatio;
        options.CircuitBreaker.MinimumThroughput = Defaults.CircuitBreakerMinimumThroughput;
        options.CircuitBreaker.SamplingDuration = Defaults.CircuitBreakerSamplingDuration;
        options.CircuitBreaker.BreakDuration = Defaults.CircuitBreakerBreakDuration;
    }

    /// <summary>A fresh request id per request, the way an application adds one: a handler and <see cref="Guid.NewGuid"/>.</summary>
    public sealed class GuidRequestIdHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation(ClientRequestIdHeader, Guid.NewGuid().ToString());
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>
    /// The usual hand-written auth handler: asks the credential for a token on every request and relies on the
    /// credential's own cache (Azure.Identity's credentials cache in MSAL). The bench credential answers at once, so
    /// this costs the peer less than a real credential would: the comparison leans the peers' way.
    /// </summary>
    public sealed class CredentialBearerHandler(TokenCredential credential) : DelegatingHandler
    {
        private readonly TokenRequestContext _context = new(Scopes);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            AccessToken token = await credential.GetTokenAsync(_context, cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
