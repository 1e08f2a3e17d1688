using System;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;

namespace ImageService.Client.Tests.TestSupport;

/// <summary>Issues "token-1", "token-2", ... each valid for <see cref="Lifetime"/>; counts the calls; can hold callers at a gate.</summary>
public sealed class FakeCredential : TokenCredential
{
    private readonly TimeProvider _time;
    private int _calls;

    public FakeCredential(TimeProvider time) => _time = time;

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    public Task? Gate { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public string[]? LastScopes { get; private set; }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        int call = Interlocked.Increment(ref _calls);
        LastScopes = requestContext.Scopes;
        if (Gate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        return new AccessToken($"token-{call}", _time.GetUtcNow() + Lifetime);
    }
}
