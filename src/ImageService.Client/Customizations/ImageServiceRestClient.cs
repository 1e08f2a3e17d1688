// CUSTOM: partial hooks of the generated client: the endpoint each request goes to, the serializer settings shared
// by every call (dates keep their offsets, nulls are not sent, and a depth limit stops an absurdly nested body before it
// exhausts the stack), and the identity of a delete's answer, which the facade never sees.
using Newtonsoft.Json;

namespace ImageService.Client;

internal partial class ImageServiceRestClient
{
    /// <summary>The deepest JSON nesting a response may have; real bodies stay under 10.</summary>
    internal const int MaxJsonDepth = 64;

    /// <summary>
    /// Gets the endpoint every request of this client goes to (with a trailing slash); null sends the generated relative
    /// URLs to the <see cref="System.Net.Http.HttpClient.BaseAddress"/>, as NSwag's client does. The facade sets it, so
    /// that it neither depends on nor changes the base address of an <c>HttpClient</c> it is given.
    /// </summary>
    internal System.Uri? Endpoint { get; init; }

    static partial void UpdateJsonSerializerSettings(JsonSerializerSettings settings) => ImageServiceJson.Configure(settings);

    partial void PrepareRequest(System.Net.Http.HttpClient client, System.Net.Http.HttpRequestMessage request, System.Text.StringBuilder urlBuilder)
    {
        if (Endpoint is { } endpoint)
        {
            urlBuilder.Insert(0, endpoint.AbsoluteUri);
        }
    }

    partial void ProcessResponse(System.Net.Http.HttpClient client, System.Net.Http.HttpResponseMessage response) =>
        CheckAnswerIdentity(response);

    /// <summary>Implemented with the rest of answer identity (Internal/AnswerIdentity.cs); a build without it checks nothing.</summary>
    static partial void CheckAnswerIdentity(System.Net.Http.HttpResponseMessage response);
}
