using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ImageService.Client.Internal;

/// <summary>Logs and measures each HTTP call (all its retries included): method, redacted path, status, attempts, duration.</summary>
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

        // Redacting costs two allocations per request: only when one of this handler's messages can be written.
        bool logs = _logger.IsEnabled(LogLevel.Debug) || _logger.IsEnabled(LogLevel.Information) || _logger.IsEnabled(LogLevel.Warning);
        string path = logs ? UrlRedactor.Redact(request.RequestUri) : string.Empty;
        string id = RequestContext.GetClientRequestId(request);
        long start = _timeProvider.GetTimestamp();
        Log.Sending(_logger, method, path, id);
        try
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            double ms = _timeProvider.GetElapsedTime(start).TotalMilliseconds;
            int status = (int)response.StatusCode;
            Log.Received(_logger, method, path, status, Math.Max(1, RequestContext.GetAttempts(request)), ms, id);
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
            Log.Failed(_logger, method, path, Math.Max(1, RequestContext.GetAttempts(request)), ms, id, ex.GetType().Name);
            ImageServiceDiagnostics.RequestDuration.Record(
                ms / 1000,
                new KeyValuePair<string, object?>("http.request.method", method),
                new KeyValuePair<string, object?>("error.type", ex.GetType().Name));
            throw;
        }
    }
}
