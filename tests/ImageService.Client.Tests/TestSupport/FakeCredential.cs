using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;

namespace ImageService.Client.Tests.TestSupport;

/// <summary>
/// A credential that caches like Azure.Identity's (MSAL's token cache): it hands back the token it holds until that token
/// is within 5 minutes of expiry or past its <see cref="AccessToken.RefreshOn"/>, and mints a new one ("token-1",
/// "token-2", …) only then, or when claims are asked for, or after <see cref="ForceRefresh"/>. A token minted for claims
/// replaces the cached one, as MSAL's does. Minting can be held at a <see cref="Gate"/> and can fail with <see cref="Failure"/>;
/// with <see cref="IgnoresCancellation"/> it waits at the gate whatever its token says, as a credential stuck in a call
/// that takes no token (a hung managed identity endpoint, a CLI waiting on a prompt) does.
/// </summary>
public sealed class FakeCredential : TokenCredential
{
    /// <summary>MSAL treats a token this close to its expiry as expired.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time;
    private readonly object _sync = new();
    private readonly ConcurrentQueue<TokenRequestContext> _contexts = new();
    private AccessToken? _cached;
    private bool _forceRefresh;
    private int _calls;
    private int _minted;
    private int _pending;

    public FakeCredential(TimeProvider time) => _time = time;

    /// <summary>How long a minted token is valid.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>When set, minted tokens carry <c>RefreshOn</c> this long after they are issued (as MSAL's refresh_in).</summary>
    public TimeSpan? RefreshIn { get; set; }

    /// <summary>When set, minting waits for it (the network call of a real credential); cache hits do not.</summary>
    public Task? Gate { get; set; }

    /// <summary>When set, minting throws it (after the gate).</summary>
    public Exception? Failure { get; set; }

    /// <summary>When true, minting waits at the <see cref="Gate"/> without looking at its cancellation token.</summary>
    public bool IgnoresCancellation { get; set; }

    /// <summary>When set, minted tokens have this value instead of <c>token-N</c>.</summary>
    public string? TokenValue { get; set; }

    /// <summary>Calls that have not returned (held at the gate).</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Calls of GetToken/GetTokenAsync, cache hits included.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Tokens minted (the calls that went to the "network").</summary>
    public int Minted => Volatile.Read(ref _minted);

    public string[]? LastScopes { get; private set; }

    /// <summary>Every context asked for, in order.</summary>
    public IReadOnlyList<TokenRequestContext> Contexts => _contexts.ToArray();

    /// <summary>Makes the next call mint a new token, whatever the cache holds.</summary>
    public void ForceRefresh()
    {
        lock (_sync)
        {
            _forceRefresh = true;
        }
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        _contexts.Enqueue(requestContext);
        LastScopes = requestContext.Scopes;
        lock (_sync)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (_cached is { } cached && requestContext.Claims is null && !_forceRefresh
                && now < cached.ExpiresOn - ExpiryMargin && (cached.RefreshOn is not { } refreshOn || now < refreshOn))
            {
                return cached;
            }
        }

        if (Gate is { } gate)
        {
            Interlocked.Increment(ref _pending);
            try
            {
                await (IgnoresCancellation ? gate : gate.WaitAsync(cancellationToken));
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }

        if (Failure is { } failure)
        {
            throw failure;
        }

        lock (_sync)
        {
            DateTimeOffset issued = _time.GetUtcNow();
            int n = Interlocked.Increment(ref _minted);
            var token = new AccessToken(TokenValue ?? $"token-{n}", issued + Lifetime, RefreshIn is { } refreshIn ? issued + refreshIn : null);
            _cached = token;
            _forceRefresh = false;
            return token;
        }
    }
}
