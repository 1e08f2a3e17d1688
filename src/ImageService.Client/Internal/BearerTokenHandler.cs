using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ImageService.Client.Internal;

/// <summary>
/// Adds the bearer token, but only to the endpoint's origin or an allowed one, and never over plain http except to
/// loopback. On a 401 it fetches a fresh token and resends once.
/// </summary>
internal sealed class BearerTokenHandler : DelegatingHandler
{
    private readonly AccessTokenCache? _tokens;
    private readonly OriginPolicy _origins;
    private readonly ILogger _logger;

    public BearerTokenHandler(AccessTokenCache? tokens, OriginPolicy origins, ILogger logger)
    {
        _tokens = tokens;
        _origins = origins;
        _logger = logger;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Uri uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        if (!_origins.IsAllowed(uri))
        {
            _origins.ThrowIfNotAllowed(uri, UrlRedactor.Redact(uri)); // redact only to explain a refusal, not on every request
        }
        if (_tokens is null)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
        {
            throw new ImageServiceException(
                $"Refusing to send the image service token over plain http to {OriginPolicy.Origin(uri)}: use https (http is allowed only for a loopback host).");
        }

        string token = await _tokens.GetTokenAsync(rejected: null, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        Log.RetryingUnauthorized(_logger, request.Method.Method, UrlRedactor.Redact(uri));
        response.Dispose();
        string fresh = await _tokens.GetTokenAsync(rejected: token, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fresh);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
