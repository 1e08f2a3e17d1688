using System;
using Microsoft.Extensions.Logging;

namespace ImageService.Client.Diagnostics;

/// <summary>Source-generated log messages. Never log headers or query values: the path is redacted before it gets here.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Sending {Method} {Path} (request id {ClientRequestId})")]
    public static partial void Sending(ILogger logger, string method, string path, string clientRequestId);

    [LoggerMessage(2, LogLevel.Information, "{Method} {Path} returned {Status} after {Attempts} attempt(s) in {DurationMs:F1} ms (request id {ClientRequestId})")]
    public static partial void Received(ILogger logger, string method, string path, int status, int attempts, double durationMs, string clientRequestId);

    [LoggerMessage(3, LogLevel.Warning, "{Method} {Path} failed after {Attempts} attempt(s) in {DurationMs:F1} ms (request id {ClientRequestId}): {ExceptionType}")]
    public static partial void Failed(ILogger logger, string method, string path, int attempts, double durationMs, string clientRequestId, string exceptionType);

    [LoggerMessage(4, LogLevel.Warning, "Retrying {Method} {Path}: attempt {Attempt} failed with {Outcome}; next attempt in {DelayMs:F0} ms")]
    public static partial void Retrying(ILogger logger, string method, string path, int attempt, string outcome, double delayMs);

    [LoggerMessage(5, LogLevel.Debug, "Acquired a token for the image service, valid until {ExpiresOn:O}")]
    public static partial void TokenAcquired(ILogger logger, DateTimeOffset expiresOn);

    [LoggerMessage(6, LogLevel.Information, "The image service answered 401 to {Method} {Path}; retrying once with a fresh token")]
    public static partial void RetryingUnauthorized(ILogger logger, string method, string path);

    [LoggerMessage(7, LogLevel.Debug, "Operation {OperationId} is {State}; polling again in {DelayMs:F0} ms")]
    public static partial void Polling(ILogger logger, string operationId, string state, double delayMs);
}
