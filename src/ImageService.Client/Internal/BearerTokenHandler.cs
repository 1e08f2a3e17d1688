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
/// loopback. A 401 with a Continuous Access Evaluation challenge (<c>error="insufficient_claims"</c>) is answered once:
/// a token is acquired for the claims the service asks for and the request is resent. Any other 401 goes back to the
/// caller: the credential would hand back the token it has cached, so resending would only cost a request.
/// </summary>
/// <remarks>
/// A credential that fails (<c>AuthenticationFailedException</c>, <c>CredentialUnavailableException</c>, anything but a
/// cancellation) surfaces as <see cref="ImageServiceException"/> with the credential's exception inside.
/// </remarks>
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

        string token = await GetTokenAsync(_tokens, claims: null, request, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || ClaimsChallenge.GetClaims(response) is not { } claims)
        {
            return response;
        }

        Log.ClaimsChallenge(_logger, request.Method.Method, UrlRedactor.Redact(uri));
        response.Dispose();
        string challenged = await GetTokenAsync(_tokens, claims, request, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", challenged);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<string> GetTokenAsync(AccessTokenCache tokens, string? claims, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await tokens.GetTokenAsync(claims, RequestContext.GetClientRequestId(request), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ImageServiceException(
                $"The token for the image service could not be acquired from {tokens.Credential.GetType().Name}: {ex.Message}",
                ex);
        }
    }
}
