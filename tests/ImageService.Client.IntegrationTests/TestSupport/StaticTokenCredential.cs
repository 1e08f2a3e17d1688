using System;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;

namespace ImageService.Client.IntegrationTests.TestSupport;

/// <summary>Always issues the same token (the emulator accepts exactly one); counts the calls.</summary>
internal sealed class StaticTokenCredential(string token) : TokenCredential
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
