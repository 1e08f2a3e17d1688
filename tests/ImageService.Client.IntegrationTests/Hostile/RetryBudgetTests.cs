using System;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.Security;
using ImageService.Client.IntegrationTests.TestSupport;
using Microsoft.AspNetCore.Http;
using Polly.Timeout;
using Xunit.Abstractions;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>
/// Issue 13: a server that asks for a retry later than the call's total budget allows gets its answer surfaced at once,
/// not a sleep into the budget that ends as a timeout and hides the answer.
/// </summary>
public sealed class RetryBudgetTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Retry-After", "600")]
    [InlineData("x-ms-retry-after-ms", "600000")]
    public async Task GetImageAsync_503AskingForADelayPastTheTotalBudget_ThrowsTheAnswerWithoutWaiting(string header, string value)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = 503;
            ctx.Response.Headers[header] = value;
            return ctx.Response.WriteAsJsonLiteralAsync("""{"code":"Busy","message":"try later"}""");
        });
        // The patient budgets (a minute for the call), not the tight ones: on a loaded machine a first attempt that
        // outlasts a tight attempt timeout is retried, and that retry is not what this test is about. The server's
        // 10 minutes are past the minute, and honoured, not capped below it.
        using ClientHost host = server.CreateClient(options => options.MaxDelay = TimeSpan.FromMinutes(15));

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, () => host.Client.GetImageAsync("img:1"), output);

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.Equal(503, typed.Status);
        Assert.Contains("asked to wait 00:10:00 before a retry", typed.Message, StringComparison.Ordinal);
        Assert.Contains($"TotalRequestTimeout ({HostileServer.PatientTotalRequestTimeout})", typed.Message, StringComparison.Ordinal);
        Assert.IsNotType<TimeoutRejectedException>(typed.InnerException);
        Assert.NotNull(typed.ClientRequestId);
        Assert.Single(server.RawTargets); // no retry was started
    }

    [Fact]
    public async Task GetImageAsync_503AskingForADelayWithinTheBudget_RetriesAfterItAndSucceeds()
    {
        int calls = 0;
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) =>
        {
            if (System.Threading.Interlocked.Increment(ref calls) == 1)
            {
                ctx.Response.StatusCode = 503;
                ctx.Response.Headers["x-ms-retry-after-ms"] = "100";
                return ctx.Response.WriteAsJsonLiteralAsync("""{"code":"Busy","message":"try later"}""");
            }

            return ctx.Response.WriteAsJsonLiteralAsync(HostileServer.ImageJson);
        });
        using ClientHost host = server.CreateClient(options => options.MaxDelay = TimeSpan.FromMinutes(1));

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, () => host.Client.GetImageAsync("img:1"), output);

        Assert.Null(failure);
        Assert.Equal(2, server.RawTargets.Count);
    }
}
