using System;
using System.Globalization;
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
/// A credential that fails (<c>AuthenticationFailedException</c>, <c>CredentialUnavailableException</c>, a cancellation
/// of its own while nobody cancelled it) surfaces as <see cref="ImageServiceException"/> with the credential's exception
/// inside. A credential that does not answer within the attempt's budget (attempt timeout, total timeout) surfaces as
/// <see cref="ImageServiceException"/> naming it and the budget; only the caller's own cancellation stays an
/// <see cref="OperationCanceledException"/>.
/// </remarks>
internal sealed class BearerTokenHandler : DelegatingHandler
{
    private readonly AccessTokenCache? _tokens;
    private readonly OriginPolicy _origins;
    private readonly ImageServiceClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public BearerTokenHandler(AccessTokenCache? tokens, OriginPolicy origins, ImageServiceClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _tokens = tokens;
        _origins = origins;
        _options = options;
        _timeProvider = timeProvider;
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

    private async ValueTask<string> GetTokenAsync(AccessTokenCache tokens, string? claims, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        long start = _timeProvider.GetTimestamp();
        try
        {
            return await tokens.GetTokenAsync(claims, RequestContext.GetClientRequestId(request), cancellationToken).ConfigureAwait(false);
        }
        catch (ImageServiceException)
        {
            throw; // the credential's token cannot be sent; the message says so
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The attempt ran out while the credential had not answered. Unless the caller cancelled, that is a timeout
            // caused by the credential: say which, and how long it had.
            if (RequestContext.Current is not { CallerCancellation.IsCancellationRequested: false })
            {
                throw;
            }

            throw new ImageServiceException(string.Create(
                CultureInfo.InvariantCulture,
                $"The token for the image service could not be acquired from {tokens.Credential.GetType().Name}: it did not answer within {_timeProvider.GetElapsedTime(start)}, the time the call had left (ImageServiceClientOptions.AttemptTimeout is {_options.AttemptTimeout}, TotalRequestTimeout {_options.TotalRequestTimeout}). The next call asks it again; check the credential (for example the managed identity endpoint, or a sign-in prompt of a developer tool)."));
        }
        catch (Exception ex)
        {
            // Its own cancellation included: nobody cancelled this call, so the credential failed.
            throw new ImageServiceException(
                $"The token for the image service could not be acquired from {tokens.Credential.GetType().Name}: {ex.Message}",
                ex);
        }
    }
}
