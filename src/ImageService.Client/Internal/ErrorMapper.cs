using System;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Threading;
using Newtonsoft.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ImageService.Client.Internal;

/// <summary>Turns every failure of a call into an <see cref="ImageServiceException"/>, except a cancellation the caller asked for.</summary>
internal static class ErrorMapper
{
    /// <summary>Returns the exception to throw instead of <paramref name="exception"/>, or null to rethrow it unchanged.</summary>
    /// <param name="exception">What the call threw.</param>
    /// <param name="operation">The facade call, for the message.</param>
    /// <param name="clientRequestId">The call's <c>x-ms-client-request-id</c>.</param>
    /// <param name="cancellationToken">The caller's token: a cancellation it asked for is rethrown unchanged.</param>
    /// <param name="imageIdInPath">The image id the request's path addresses, if any: a 404 for an id without a version says the form.</param>
    public static ImageServiceException? Map(Exception exception, string operation, string clientRequestId, CancellationToken cancellationToken, string? imageIdInPath = null)
    {
        string notFoundHint = exception is ApiException { StatusCode: 404 } && imageIdInPath is not null && !imageIdInPath.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $" Image ids are name:version (for example '{imageIdInPath}:1'); '{imageIdInPath}' has no version.")
            : string.Empty;
        ImageServiceException? mapped = exception switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => null,
            ImageServiceException ise => ise,
            // The generated client's ApiException is internal: its content (status, error body, cause) moves into the
            // ImageServiceException and its cause (a public type, or none) becomes the inner exception.
            ApiException<ModelErrorResponse> api => new ImageServiceException(
                api.StatusCode,
                ImageServiceException.FormatMessage($"{operation} failed.", api.StatusCode, api.Result) + notFoundHint,
                api.Result,
                api.InnerException),
            ApiException api => new ImageServiceException(
                api.StatusCode,
                ImageServiceException.FormatMessage($"{operation} failed: {api.Message}", api.StatusCode, null) + notFoundHint,
                null,
                api.InnerException),
            JsonException json => new ImageServiceException(0, $"{operation} failed: the response body could not be read as JSON of the expected shape.", null, json),
            BrokenCircuitException broken => new ImageServiceException(0, $"{operation} failed: the circuit breaker is open after repeated failures of the image service; try again later.", null, broken),
            TimeoutRejectedException timeout => new ImageServiceException(0, string.Create(CultureInfo.InvariantCulture, $"{operation} timed out after {timeout.Timeout} (see ImageServiceClientOptions.AttemptTimeout and TotalRequestTimeout)."), null, timeout),
            // A TLS handshake failure says nothing of its likely cause, an https endpoint on a port that speaks plain http.
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } tls => new ImageServiceException(0, $"{operation} failed: the TLS (https) handshake with the image service failed ({Innermost(tls).Message}). If that port serves plain http, as a local emulator does, the endpoint must be http:// (allowed for a loopback host only); if it serves https, check its certificate.", null, tls),
            HttpRequestException http => new ImageServiceException(0, $"{operation} failed: the image service could not be reached ({http.Message}).", null, http),
            IOException io => new ImageServiceException(0, $"{operation} failed: the response could not be read ({io.Message}).", null, io),
            OperationCanceledException canceled => new ImageServiceException(0, $"{operation} was cancelled by a timeout.", null, canceled),
            _ => null,
        };

        if (mapped is not null && mapped.ClientRequestId is null)
        {
            mapped.ClientRequestId = clientRequestId;
        }

        return mapped;
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }
}
