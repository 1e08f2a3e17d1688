// CUSTOM: replaces NSwag's generated ApiException (generateExceptionClasses: false) so that it stays internal: callers
// only ever see ImageServiceException, which the facade builds from this.
using System;
using System.Collections.Generic;

namespace ImageService.Client;

/// <summary>The generated client's failure: a status it did not expect, or a body it could not read.</summary>
internal class ApiException : Exception
{
    public ApiException(string message, int statusCode, string? response, IReadOnlyDictionary<string, IEnumerable<string>> headers, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Response = response;
        Headers = headers;
    }

    public int StatusCode { get; }

    public string? Response { get; }

    public IReadOnlyDictionary<string, IEnumerable<string>> Headers { get; }
}

/// <summary>A failure whose body the spec declares (for this service, <see cref="ModelErrorResponse"/>).</summary>
internal sealed class ApiException<TResult> : ApiException
{
    public ApiException(string message, int statusCode, string? response, IReadOnlyDictionary<string, IEnumerable<string>> headers, TResult result, Exception? innerException)
        : base(message, statusCode, response, headers, innerException)
    {
        Result = result;
    }

    public TResult Result { get; }
}
