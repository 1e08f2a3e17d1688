using System;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.Security;
using ImageService.Client.IntegrationTests.TestSupport;
using Xunit.Abstractions;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>
/// Issue 25, items 2 and 3: a credential that hangs ignoring its token, fails with a cancellation of its own, or returns
/// a token no header can carry, over loopback through the whole handler chain. Every call ends within its budget with a
/// typed error that names the credential (never the token), and a later call asks the credential again.
/// </summary>
public sealed class CredentialTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GetImageAsync_CredentialHangsIgnoringItsToken_ThrowsNamingItAndTheBudgetAndTheNextCallAsksAgain()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) => ctx.Response.WriteAsJsonLiteralAsync(HostileServer.ImageJson));
        var credential = new MsalLikeCredential { Hangs = true };
        using ClientHost host = server.CreateClient(options =>
        {
            HostileServer.Tight(options);
            options.Credential = credential;
        });

        try
        {
            (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.TotalRequestTimeout, () => host.Client.GetImageAsync("img:1"), output);
            credential.Hangs = false;
            ImageResponseBase image = await host.Client.GetImageAsync("img:1");

            var typed = Assert.IsType<ImageServiceException>(failure);
            Assert.StartsWith("The token for the image service could not be acquired from MsalLikeCredential: it did not answer within ", typed.Message, StringComparison.Ordinal);
            Assert.Contains($"AttemptTimeout is {HostileServer.AttemptTimeout}", typed.Message, StringComparison.Ordinal);
            Assert.Equal("img:1", image.Id);
            Assert.Equal(2, credential.NetworkCalls); // the hung request was given up on, not waited for again
            Assert.Single(server.RawTargets); // nothing went out without a token
        }
        finally
        {
            await credential.Released.CancelAsync();
        }
    }

    [Fact]
    public async Task GetImageAsync_CredentialThrowsItsOwnTaskCanceledException_ThrowsReportingTheCredentialsFailure()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) => ctx.Response.WriteAsJsonLiteralAsync(HostileServer.ImageJson));
        var credential = new MsalLikeCredential { Failure = new TaskCanceledException("A task was canceled.") };
        using ClientHost host = server.CreateClient(options => options.Credential = credential);

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, () => host.Client.GetImageAsync("img:1"), output);

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.Equal("The token for the image service could not be acquired from MsalLikeCredential: A task was canceled.", typed.Message);
        Assert.IsType<TaskCanceledException>(typed.InnerException);
        Assert.Empty(server.RawTargets);
    }

    [Theory]
    [InlineData("secret-value\r\nX-Injected: yes")]
    [InlineData("secret\0value")]
    public async Task GetImageAsync_CredentialReturnsATokenWithCrLfOrNul_ThrowsSayingTheTokenIsInvalidWithoutShowingIt(string token)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) => ctx.Response.WriteAsJsonLiteralAsync(HostileServer.ImageJson));
        var credential = new MsalLikeCredential { TokenValue = token };
        using ClientHost host = server.CreateClient(options => options.Credential = credential);

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, () => host.Client.GetImageAsync("img:1"), output);

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.StartsWith("The credential MsalLikeCredential returned an invalid access token", typed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", typed.ToString(), StringComparison.Ordinal);
        Assert.Empty(server.RawTargets);
    }
}
