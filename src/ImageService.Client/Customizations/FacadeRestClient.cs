// CUSTOM: the generated client as the facade uses it. ReadObjectResponseAsync is the generated client's protected
// virtual hook for reading a body; overriding it sends every generated call's body through the same reader as the
// nextLink pages (ResponseReader), so there is one place that decides how a body is read and what its failures are.
using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Internal;

namespace ImageService.Client;

/// <summary>The generated client, sending to the options' endpoint and reading every response body through <see cref="ResponseReader"/>.</summary>
internal sealed class FacadeRestClient : ImageServiceRestClient
{
    public FacadeRestClient(HttpClient httpClient, Uri endpoint)
        : base(httpClient) => Endpoint = endpoint;

    protected override async Task<ObjectResponseResult<T>> ReadObjectResponseAsync<T>(HttpResponseMessage response, IReadOnlyDictionary<string, IEnumerable<string>> headers, CancellationToken cancellationToken) =>
        new((await ResponseReader.ReadAsync<T>(response, headers, cancellationToken).ConfigureAwait(false))!, string.Empty);
}
