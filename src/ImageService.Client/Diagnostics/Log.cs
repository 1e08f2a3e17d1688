using System;
using Microsoft.Extensions.Logging;

namespace ImageService.Client.Diagnostics;

/// <summary>
/// Source-generated log messages, category <c>ImageService.Client</c>; README.md's "Telemetry reference" lists them.
/// Never log headers or query values: the path is redacted before it gets here. Levels: Debug for what every call does,
/// Information for rare events a caller may want to know of, Warning for retries and errors.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Sending {Method} {Path} (request id {ClientRequestId})")]
    public static partial void Sending(ILogger logger, string method, string path, string clientRequestId);

    [LoggerMessage(2, LogLevel.Debug, "{Method} {Path} returned {Status} after {Attempts} attempt(s) in {DurationMs:F1} ms (request id {ClientRequestId})")]
    public static partial void Received(ILogger logger, string method, string path, int status, int attempts, double durationMs, string clientRequestId);

    [LoggerMessage(3, LogLevel.Warning, "{Method} {Path} failed after {Attempts} attempt(s) in {DurationMs:F1} ms (request id {ClientRequestId}): {ExceptionType}")]
    public static partial void Failed(ILogger logger, string method, string path, int attempts, double durationMs, string clientRequestId, string exceptionType);

    [LoggerMessage(4, LogLevel.Warning, "Retrying {Method} {Path}: attempt {Attempt} failed with {Outcome}; next attempt in {DelayMs:F0} ms")]
    public static partial void Retrying(ILogger logger, string method, string path, int attempt, string outcome, double delayMs);

    [LoggerMessage(5, LogLevel.Debug, "Acquired a token for the image service, valid until {ExpiresOn:O}, to be refreshed from {RefreshOn:O} (claims challenge: {ForClaims}, in the background: {InBackground})")]
    public static partial void TokenAcquired(ILogger logger, DateTimeOffset expiresOn, DateTimeOffset refreshOn, bool forClaims, bool inBackground);

    [LoggerMessage(6, LogLevel.Information, "The image service asked for a token with more claims (Continuous Access Evaluation) on {Method} {Path}; resending once with a new token")]
    public static partial void ClaimsChallenge(ILogger logger, string method, string path);

    [LoggerMessage(7, LogLevel.Debug, "Operation {OperationId} is {State}; polling again in {DelayMs:F0} ms")]
    public static partial void Polling(ILogger logger, string operationId, string state, double delayMs);

    [LoggerMessage(8, LogLevel.Warning, "{Method} {Path} returned {Status} after {Attempts} attempt(s) in {DurationMs:F1} ms (request id {ClientRequestId})")]
    public static partial void ErrorResponse(ILogger logger, string method, string path, int status, int attempts, double durationMs, string clientRequestId);

    [LoggerMessage(9, LogLevel.Warning, "Refreshing the image service token in the background failed ({Credential}); the current token, valid until {ExpiresOn:O}, is used meanwhile")]
    public static partial void BackgroundTokenRefreshFailed(ILogger logger, string credential, DateTimeOffset expiresOn, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "The circuit breaker opened after repeated failures ({Outcome}): calls fail at once for {BreakMs:F0} ms")]
    public static partial void CircuitOpened(ILogger logger, string outcome, double breakMs);

    [LoggerMessage(11, LogLevel.Information, "The circuit breaker closed: calls to the image service go through again")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(12, LogLevel.Warning, "A handler outside the image service client sent {Method} {Path} again (request id {ClientRequestId}) after a send the service may have acted on; the client answered with that send's outcome and did not send it again. Remove retrying handlers from this client (see the README, Reliability)")]
    public static partial void ResendRefused(ILogger logger, string method, string path, string clientRequestId);
}
