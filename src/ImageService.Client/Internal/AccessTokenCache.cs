using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using ImageService.Client.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ImageService.Client.Internal;

/// <summary>
/// Caches the credential's token until <see cref="RefreshMargin"/> before it expires. One credential call serves all
/// concurrent requests (a semaphore lets one caller fetch while the others wait for its result).
/// </summary>
internal sealed class AccessTokenCache : IDisposable
{
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly TokenCredential _credential;
    private readonly TokenRequestContext _context;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _token;

    public AccessTokenCache(TokenCredential credential, string[] scopes, TimeProvider timeProvider, ILogger logger)
    {
        _credential = credential;
        _context = new TokenRequestContext(scopes);
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public static AccessTokenCache? Create(ImageServiceClientOptions options, TimeProvider timeProvider, ILogger logger) =>
        options.Credential is null ? null : new AccessTokenCache(options.Credential, options.Scopes.ToArray(), timeProvider, logger);

    /// <summary>Returns a cached token, or a new one. <paramref name="rejected"/> is a token the service refused (401): it is never returned again.</summary>
    public async ValueTask<string> GetTokenAsync(string? rejected, CancellationToken cancellationToken)
    {
        if (IsUsable(_token, rejected, out string? cached))
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsUsable(_token, rejected, out cached))
            {
                return cached;
            }

            AccessToken token = await _credential.GetTokenAsync(_context, cancellationToken).ConfigureAwait(false);
            _token = token;
            Log.TokenAcquired(_logger, token.ExpiresOn);
            return token.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private bool IsUsable(AccessToken? token, string? rejected, out string value)
    {
        value = token?.Token ?? string.Empty;
        return token is { } t
            && t.Token != rejected
            && _timeProvider.GetUtcNow() < t.ExpiresOn - RefreshMargin;
    }
}
