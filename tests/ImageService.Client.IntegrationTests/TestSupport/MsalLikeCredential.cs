using System;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;

namespace ImageService.Client.IntegrationTests.TestSupport;

/// <summary>
/// A credential no kinder than Azure.Identity's: it caches the token it minted (as MSAL does) and goes to the "network"
/// only without one; the network call can hang, ignoring the cancellation token as a hung managed identity endpoint or
/// a CLI waiting on a prompt does, can fail, and can return whatever token value it is given.
/// </summary>
internal sealed class MsalLikeCredential : TokenCredential
{
    private readonly object _sync = new();
    private AccessToken? _cached;
    private int _calls;
    private int _networkCalls;

    /// <summary>When true, network calls never return (until the test ends), whatever their token says.</summary>
    public bool Hangs { get; set; }

    /// <summary>When set, network calls throw it.</summary>
    public Exception? Failure { get; set; }

    /// <summary>The value of minted tokens.</summary>
    public string TokenValue { get; set; } = "token";

    /// <summary>Calls of GetToken/GetTokenAsync, cache hits included.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Calls that went to the network (no cached token).</summary>
    public int NetworkCalls => Volatile.Read(ref _networkCalls);

    /// <summary>Ends every hung network call (the test is over).</summary>
    public CancellationTokenSource Released { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        lock (_sync)
        {
            if (_cached is { } cached && cached.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(5))
            {
                return cached;
            }
        }

        Interlocked.Increment(ref _networkCalls);
        if (Hangs)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, Released.Token).ContinueWith(_ => { }, TaskScheduler.Default); // not the caller's token
            throw new InvalidOperationException("The test ended while the credential hung.");
        }

        if (Failure is { } failure)
        {
            throw failure;
        }

        var token = new AccessToken(TokenValue, DateTimeOffset.UtcNow.AddHours(1));
        lock (_sync)
        {
            _cached = token;
        }

        return token;
    }
}
