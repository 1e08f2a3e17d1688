using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Internal;
using ImageService.Client.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ImageService.Client.Tests.Internal;

/// <summary>
/// Token acquisition through the client's real handler chain, with a credential that caches like MSAL and fake time:
/// when the token is refreshed, who waits for it, and what happens when refreshing fails.
/// </summary>
public class AccessTokenCacheTests
{
    [Fact]
    public async Task Send_TokenWithRefreshOn_RefreshedFromRefreshOnNotBefore()
    {
        var clients = new TestClients();
        clients.Credential.Lifetime = TimeSpan.FromHours(1);
        clients.Credential.RefreshIn = TimeSpan.FromMinutes(10);
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        await client.GetImageAsync("img:1");
        clients.Time.Advance(TimeSpan.FromMinutes(9));
        await client.GetImageAsync("img:1");
        int callsBeforeRefreshOn = clients.Credential.Calls;
        clients.Time.Advance(TimeSpan.FromMinutes(2)); // past RefreshOn, 49 minutes before expiry
        await client.GetImageAsync("img:1");
        await Eventually.WaitUntilAsync(() => clients.Credential.Minted == 2, "the background refresh to mint token-2");
        await UntilSentWithAsync(client, stub, "Bearer token-2");

        Assert.Equal(1, callsBeforeRefreshOn);
        Assert.Equal(2, clients.Credential.Calls);
        Assert.Equal(new[] { "Bearer token-1", "Bearer token-1", "Bearer token-1" }, stub.Requests.Take(3).Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Send_64ConcurrentCallsWhileTokenRefreshes_OneCredentialCallAndNobodyWaits()
    {
        var clients = new TestClients();
        clients.Credential.Lifetime = TimeSpan.FromMinutes(10); // no RefreshOn: refreshed 5 minutes before expiry
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);
        await client.GetImageAsync("img:1");

        clients.Time.Advance(TimeSpan.FromMinutes(6)); // still valid for 4 minutes, due for refresh
        var network = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        clients.Credential.Gate = network.Task; // the refresh cannot finish until the calls below have

        Task<ImageResponseBase>[] calls = Enumerable.Range(0, 64).Select(_ => client.GetImageAsync("img:1")).ToArray();

        // A bound against a hang, not a speed: a cache that made callers wait for the refresh would wait for the gate,
        // which opens only after this line.
        await Task.WhenAll(calls).WaitAsync(Eventually.HangBound);
        await Eventually.WaitUntilAsync(() => clients.Credential.Calls >= 2, "the background refresh to ask the credential"); // it runs on the thread pool
        Assert.Equal(2, clients.Credential.Calls); // the first token, then one refresh for all 64 calls
        Assert.Equal(1, clients.Credential.Minted); // that refresh is still held at the gate
        Assert.Equal(65, stub.Count);
        Assert.All(stub.Requests, r => Assert.Equal("Bearer token-1", r.Header("Authorization")));

        network.SetResult();
        await UntilSentWithAsync(client, stub, "Bearer token-2");
        Assert.Equal(2, clients.Credential.Calls);
        Assert.Equal(2, clients.Credential.Minted);
    }

    [Fact]
    public async Task Send_TokenExpired_CallersWaitForOneSharedAcquisition()
    {
        var clients = new TestClients();
        clients.Credential.Lifetime = TimeSpan.FromMinutes(10);
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);
        await client.GetImageAsync("img:1");

        clients.Time.Advance(TimeSpan.FromMinutes(11)); // expired: nothing valid to serve
        var network = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        clients.Credential.Gate = network.Task;
        Task<ImageResponseBase>[] calls = Enumerable.Range(0, 16).Select(_ => client.GetImageAsync("img:1")).ToArray();
        bool anyDoneBeforeToken = calls.Any(c => c.IsCompleted);
        network.SetResult();
        await Task.WhenAll(calls);

        Assert.False(anyDoneBeforeToken);
        Assert.Equal(2, clients.Credential.Calls);
        Assert.All(stub.Requests.Skip(1), r => Assert.Equal("Bearer token-2", r.Header("Authorization")));
    }

    [Fact]
    public async Task Send_BackgroundRefreshFails_CurrentTokenServesAndRefreshIsRetriedLater()
    {
        var clients = new TestClients();
        using var logs = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        clients.Credential.Lifetime = TimeSpan.FromMinutes(10);
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub, loggerFactory: factory);
        await client.GetImageAsync("img:1");

        clients.Time.Advance(TimeSpan.FromMinutes(6));
        clients.Credential.Failure = new InvalidOperationException("The token endpoint is down.");
        await client.GetImageAsync("img:1"); // starts the refresh, which fails in the background
        await Eventually.WaitUntilAsync(() => logs.Collector.GetSnapshot().Any(r => r.Id.Id == 9), "the failed refresh to be logged");
        await client.GetImageAsync("img:1"); // within the retry delay: no new attempt
        int callsAfterFailure = clients.Credential.Calls;

        clients.Time.Advance(TimeSpan.FromSeconds(31));
        clients.Credential.Failure = null;
        await client.GetImageAsync("img:1"); // the retry delay is over: refresh again, in the background
        await UntilSentWithAsync(client, stub, "Bearer token-2");

        FakeLogRecord warning = Assert.Single(logs.Collector.GetSnapshot(), r => r.Id.Id == 9);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.IsType<InvalidOperationException>(warning.Exception);
        Assert.Equal(2, callsAfterFailure);
        Assert.Equal(3, clients.Credential.Calls);
        Assert.Equal(new[] { "Bearer token-1", "Bearer token-1", "Bearer token-1", "Bearer token-1" }, stub.Requests.Take(4).Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Send_AcquiringCallerCancelled_WaitingCallerAcquiresItself()
    {
        var clients = new TestClients();
        var network = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        clients.Credential.Gate = network.Task;
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);
        using var first = new CancellationTokenSource();

        Task<ImageResponseBase> cancelled = client.GetImageAsync("img:1", first.Token);
        Task<ImageResponseBase> patient = client.GetImageAsync("img:1");
        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        network.SetResult();
        ImageResponseBase image = await patient;

        Assert.Equal("img:1", image.Id);
        Assert.Equal("Bearer token-1", Assert.Single(stub.Requests).Header("Authorization"));
    }

    [Fact]
    public async Task Send_CredentialHangsIgnoringItsToken_CallerGivesUpAndTheNextCallAsksAgain()
    {
        var clients = new TestClients();
        clients.Credential.IgnoresCancellation = true;
        clients.Credential.Gate = new TaskCompletionSource().Task; // never answers, whatever its token says
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);
        using var caller = new CancellationTokenSource();

        Task<ImageResponseBase> first = client.GetImageAsync("img:1", caller.Token);
        await Eventually.WaitUntilAsync(() => clients.Credential.Pending == 1, "the credential to be asked");
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first).WaitAsync(Eventually.HangBound);
        clients.Credential.Gate = null; // the credential answers the next request; the first one stays stuck
        ImageResponseBase image = await client.GetImageAsync("img:1").WaitAsync(Eventually.HangBound);

        Assert.Equal("img:1", image.Id);
        Assert.Equal(2, clients.Credential.Calls);
        Assert.Equal(1, clients.Credential.Pending);
        Assert.Equal("Bearer token-1", Assert.Single(stub.Requests).Header("Authorization"));
    }

    [Fact]
    public async Task Send_CredentialNeverAnswers_AtMostMaxUnansweredRequestsWhateverTheCalls()
    {
        var clients = new TestClients();
        clients.Credential.IgnoresCancellation = true;
        clients.Credential.Gate = new TaskCompletionSource().Task;
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        for (int call = 0; call < 3 * AccessTokenCache.MaxUnansweredRequests; call++)
        {
            using var caller = new CancellationTokenSource();
            Task<ImageResponseBase> waiting = client.GetImageAsync("img:1", caller.Token);
            int asked = Math.Min(call + 1, AccessTokenCache.MaxUnansweredRequests);
            await Eventually.WaitUntilAsync(() => clients.Credential.Pending == asked, $"request {asked} to reach the credential");
            await caller.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting).WaitAsync(Eventually.HangBound);
        }

        Assert.Equal(AccessTokenCache.MaxUnansweredRequests, clients.Credential.Calls);
        Assert.Equal(0, stub.Count);
    }

    [Fact]
    public async Task Send_CredentialThrowsItsOwnTaskCanceledException_ImageServiceExceptionNamingTheCredential()
    {
        var clients = new TestClients();
        clients.Credential.Failure = new TaskCanceledException("The credential's own HTTP call timed out.");
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Equal("The token for the image service could not be acquired from FakeCredential: The credential's own HTTP call timed out.", ex.Message);
        Assert.IsType<TaskCanceledException>(ex.InnerException);
        Assert.Equal(0, stub.Count);
    }

    [Theory]
    [InlineData("secret-value\r\nX-Injected: yes")]
    [InlineData("secret-value\n")]
    [InlineData("secret\0value")]
    [InlineData("secret value")]
    [InlineData("")]
    public async Task Send_CredentialReturnsATokenNoHeaderCanCarry_ImageServiceExceptionThatDoesNotShowIt(string token)
    {
        var clients = new TestClients();
        clients.Credential.TokenValue = token;
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));
        await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.StartsWith("The credential FakeCredential returned an invalid access token", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, clients.Credential.Calls); // not cached: the next call asks again
        Assert.Equal(0, stub.Count);
    }

    /// <summary>Calls until a request carries <paramref name="authorization"/>: the background refresh has landed.</summary>
    private static Task UntilSentWithAsync(ImageServiceClient client, TestHandlerStub stub, string authorization) =>
        Eventually.WaitUntilAsync(
            async () =>
            {
                await client.GetImageAsync("img:1");
                return stub.Requests[^1].Header("Authorization") == authorization;
            },
            "a request with the refreshed token");
}
