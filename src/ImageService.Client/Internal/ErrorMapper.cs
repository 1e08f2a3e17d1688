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
    public static ImageServiceException? Map(Exception exception, string operation, string clientRequestId, CancellationToken cancellationToken)
    {
        ImageServiceException? mapped = exception switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => null,
            ImageServiceException ise => ise,
            // The generated client's ApiException is internal: its content (status, error body, cause) moves into the
            // ImageServiceException and its cause (a public type, or none) becomes the inner exception.
            ApiException<ModelErrorResponse> api => new ImageServiceException(
                api.StatusCode,
                ImageServiceException.FormatMessage($"{operation} failed.", api.StatusCode, api.Result),
                api.Result,
                api.InnerException),
            ApiException api => new ImageServiceException(
                api.StatusCode,
                ImageServiceException.FormatMessage($"{operation} failed: {api.Message}", api.StatusCode, null),
                null,
                api.InnerException),
            JsonException json => new ImageServiceException(0, $"{operation} failed: the response body could not be read as JSON of the expected shape.", null, json),
            BrokenCircuitException broken => new ImageServiceException(0, $"{operation} failed: the circuit breaker is open after repeated failures of the image service; try again later.", null, broken),
            TimeoutRejectedException timeout => new ImageServiceException(0, string.Create(CultureInfo.InvariantCulture, $"{operation} timed out after {timeout.Timeout} (see ImageServiceClientOptions.AttemptTimeout and TotalRequestTimeout)."), null, timeout),
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
}
