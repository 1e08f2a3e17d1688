// CUSTOM: replaces NSwag's generated SwaggerResponse (generateResponseClasses: false). wrapResponses gives the facade
// the status and headers it needs (Operation-Location on 202, 200 versus 204 on delete, Retry-After while polling).
using System.Collections.Generic;

namespace ImageService.Client;

/// <summary>The status and headers of a response that carries no body.</summary>
internal class ServiceResponse
{
    public ServiceResponse(int statusCode, IReadOnlyDictionary<string, IEnumerable<string>> headers)
    {
        StatusCode = statusCode;
        Headers = headers;
    }

    public int StatusCode { get; }

    public IReadOnlyDictionary<string, IEnumerable<string>> Headers { get; }
}

/// <summary>The status, headers and typed body of a response.</summary>
internal sealed class ServiceResponse<TResult> : ServiceResponse
{
    public ServiceResponse(int statusCode, IReadOnlyDictionary<string, IEnumerable<string>> headers, TResult result)
        : base(statusCode, headers)
    {
        Result = result;
    }

    public TResult Result { get; }
}
