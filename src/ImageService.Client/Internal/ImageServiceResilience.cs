using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading.Tasks;
using ImageService.Client.Diagnostics;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ImageService.Client.Internal;

/// <summary>
/// The one definition of the resilience pipeline, built once per client registration (so each named client has its own
/// circuit breaker) and run by <c>new ResilienceHandler(pipeline)</c> on both the DI and the standalone path: total
/// timeout, then retry, then circuit breaker (only with <see cref="ImageServiceClientOptions.CircuitBreakerEnabled"/>),
/// then attempt timeout.
/// </summary>
/// <remarks>
/// The SDK records its retries itself (log event 4 and the <c>imageservice.client.request.retries</c> counter, with the
/// request's method and redacted path) and attaches no Polly telemetry, so that each retry is recorded once and Polly's
/// per-attempt Information lines never reach a default host.
/// </remarks>
internal static class ImageServiceResilience
{
    public static ResiliencePipeline<HttpResponseMessage> Build(ImageServiceClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        Configure(builder, options, timeProvider, logger);
        return builder.Build();
    }

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ImageServiceClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        builder.TimeProvider = timeProvider;
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "TotalTimeout", Timeout = options.TotalRequestTimeout });

        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "Retry",
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldRetryAfterHeader = false, // the delay generator below reads x-ms-retry-after-ms and Retry-After itself
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)
                    && (args.AttemptNumber >= options.MaxRetryAttempts || FitsInBudget(args.Outcome, args.Context, options, timeProvider))),
                DelayGenerator = args => ValueTask.FromResult(GetServerDelay(args.Outcome.Result, options.MaxDelay, timeProvider)),
                OnRetry = args =>
                {
                    HttpRequestMessage? request = args.Context.GetRequestMessage();
                    RequestContext.RecordRetry(request, args.AttemptNumber);
                    string method = request?.Method.Method ?? string.Empty;
                    ImageServiceDiagnostics.Retries.Add(1, new System.Collections.Generic.KeyValuePair<string, object?>("http.request.method", method));
                    Log.Retrying(logger, method, UrlRedactor.Redact(request?.RequestUri), args.AttemptNumber + 1, Describe(args.Outcome), args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }

        if (options.CircuitBreakerEnabled)
        {
            builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                Name = "CircuitBreaker",
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                OnOpened = args =>
                {
                    Log.CircuitOpened(logger, Describe(args.Outcome), args.BreakDuration.TotalMilliseconds);
                    return default;
                },
                OnClosed = _ =>
                {
                    Log.CircuitClosed(logger);
                    return default;
                },
            });
        }

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = options.AttemptTimeout });
    }

    /// <summary>An outcome as logged: the exception's type name or the status code.</summary>
    internal static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception?.GetType().Name
        ?? ((int?)outcome.Result?.StatusCode)?.ToString(CultureInfo.InvariantCulture)
        ?? "unknown";

    internal static bool IsTransientStatus(HttpStatusCode status) =>
        (int)status is 408 or 429 or 500 or 502 or 503 or 504;

    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException
        || (outcome.Result is { } response && IsTransientStatus(response.StatusCode));

    /// <summary>
    /// Idempotent methods retry every transient failure. POST and PATCH (create, patch) retry only where the server
    /// cannot have acted: 429, 503, and a connection that failed before the request was sent.
    /// </summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        if (!IsTransient(outcome))
        {
            return false;
        }

        HttpMethod? method = outcome.Result?.RequestMessage?.Method ?? context.GetRequestMessage()?.Method;
        if (method is not null && !IsUnsafe(method))
        {
            return true;
        }

        if (outcome.Result is { } response)
        {
            return ServiceDidNotAct(response.StatusCode);
        }

        return outcome.Exception is HttpRequestException http && NeverSent(http);
    }

    /// <summary>POST and PATCH (create, patch): a second send could create a second image or apply a patch twice.</summary>
    internal static bool IsUnsafe(HttpMethod method) => method == HttpMethod.Post || method == HttpMethod.Patch;

    /// <summary>The answers that say the service did not act on the request: 429 and 503 (and 401, which refused it).</summary>
    internal static bool ServiceDidNotAct(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.Unauthorized;

    internal static bool NeverSent(HttpRequestException exception)
    {
        if (exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return true;
        }

        for (Exception? inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the delay the server asked for before a retry (capped as <see cref="GetServerDelay"/> caps it) fits in
    /// what is left of the call's total budget. A retry that does not fit would sleep into the budget and then fail as
    /// a timeout, hiding the server's answer: the call gives up at once instead, with that answer and why.
    /// </summary>
    /// <remarks>Asked only when a retry is left: the last attempt's answer surfaces as it is.</remarks>
    /// <exception cref="ImageServiceException">The delay does not fit; the response is disposed.</exception>
    internal static bool FitsInBudget(Outcome<HttpResponseMessage> outcome, ResilienceContext context, ImageServiceClientOptions options, TimeProvider timeProvider)
    {
        if (outcome.Result is not { } response
            || GetServerDelay(response, options.MaxDelay, timeProvider) is not { } delay
            || CallBudget.Remaining(context.GetRequestMessage(), options.TotalRequestTimeout, timeProvider) is not { } remaining
            || delay <= remaining)
        {
            return true;
        }

        int status = (int)response.StatusCode;
        response.Dispose();
        throw new ImageServiceException(
            status,
            string.Create(
                CultureInfo.InvariantCulture,
                $"The image service answered {status} and asked to wait {delay} before a retry, longer than the {(remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining)} left of ImageServiceClientOptions.TotalRequestTimeout ({options.TotalRequestTimeout}); the call gave up without waiting. Try again later, or raise TotalRequestTimeout."));
    }

    /// <summary>The server's requested delay (<see cref="RetryAfter"/>), capped at <paramref name="maxDelay"/>; null to use the back-off.</summary>
    internal static TimeSpan? GetServerDelay(HttpResponseMessage? response, TimeSpan maxDelay, TimeProvider timeProvider) =>
        response is not null && RetryAfter.Read(new ResponseHeaders(response), timeProvider.GetUtcNow()) is { } delay
            ? RetryAfter.Cap(delay, maxDelay)
            : null;
}
