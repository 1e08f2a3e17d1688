using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ImageService.Client.Internal;

/// <summary>
/// Outermost handler: stamps the request id and <c>User-Agent</c> (<see cref="RequestContext.Stamp"/>) once per request,
/// outside the retry handler, so every retry reuses the id. Then logs and measures each HTTP call (all its retries
/// included): method, redacted path, status, attempts (<see cref="RequestContext.GetAttempts"/>), duration. A
/// call is logged at Debug (a facade call can make several, and a default host logs at Information); a call that ends in
/// an error the caller did not ask about (a status the client retries, after the retries ran out, or a refused
/// credential) or in an exception is logged at Warning. Retries themselves are logged by the retry strategy.
/// </summary>
internal sealed class TelemetryHandler : DelegatingHandler
{
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    public TelemetryHandler(ILogger logger, TimeProvider timeProvider)
    {
        _logger = logger;
        _timeProvider = timeProvider;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string method = request.Method.Method;

        // Redacting costs two allocations per request: only when a message is written. Every call is logged at Debug
        // only; a default host (Information) redacts nothing unless a call ends in a warning.
        bool debug = _logger.IsEnabled(LogLevel.Debug);
        string? path = debug ? UrlRedactor.Redact(request.RequestUri) : null;
        string id = RequestContext.Stamp(request);
        long start = _timeProvider.GetTimestamp();
        if (debug)
        {
            Log.Sending(_logger, method, path!, id);
        }

        try
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            double ms = _timeProvider.GetElapsedTime(start).TotalMilliseconds;
            int status = (int)response.StatusCode;
            if (IsError(status))
            {
                Log.ErrorResponse(_logger, method, path ?? UrlRedactor.Redact(request.RequestUri), status, Attempts(request), ms, id);
            }
            else if (debug)
            {
                Log.Received(_logger, method, path!, status, Attempts(request), ms, id);
            }

            if (ImageServiceDiagnostics.RequestDuration.Enabled) // the tags box the status code: only when someone listens
            {
                ImageServiceDiagnostics.RequestDuration.Record(
                    ms / 1000,
                    new KeyValuePair<string, object?>("http.request.method", method),
                    new KeyValuePair<string, object?>("http.response.status_code", status));
            }

            return response;
        }
        catch (Exception ex)
        {
            double ms = _timeProvider.GetElapsedTime(start).TotalMilliseconds;
            Log.Failed(_logger, method, path ?? UrlRedactor.Redact(request.RequestUri), Attempts(request), ms, id, ex.GetType().Name);
            ImageServiceDiagnostics.RequestDuration.Record(
                ms / 1000,
                new KeyValuePair<string, object?>("http.request.method", method),
                new KeyValuePair<string, object?>("error.type", ex.GetType().Name));
            throw;
        }
    }

    /// <summary>401, 403, and what the retry strategy treats as transient (408, 429, 5xx): statuses that mean trouble, not an answer.</summary>
    internal static bool IsError(int status) => status is 401 or 403 or 408 or 429 or >= 500;

    private static int Attempts(HttpRequestMessage request) => RequestContext.GetAttempts(request);
}
