using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.Security;
using ImageService.Client.IntegrationTests.TestSupport;
using Xunit.Abstractions;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>
/// Issue 13, case 3: a service that answers every poll with "ask again now" is polled no more often than
/// <see cref="ImageServiceClientOptions.MinimumPollingInterval"/> (1 s by default) for the whole OperationTimeout.
/// </summary>
public sealed class PollingFloorTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Retry-After", "0")]
    [InlineData("Retry-After", "Mon, 01 Jan 2001 00:00:00 GMT")] // a past date
    [InlineData("x-ms-retry-after-ms", "0")]
    public async Task WaitForCompletionAsync_ServerAsksToPollAgainAtOnce_PollsAtMostOncePerMinimumPollingInterval(string header, string value)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) =>
        {
            ctx.Response.Headers[header] = value;
            return ctx.Response.WriteAsJsonLiteralAsync("""{"id":"op-1","state":"Running"}""");
        });
        // MinimumPollingInterval left at its default; patient request timeouts (no poll is retried), a 3 s OperationTimeout.
        using ClientHost host = server.CreateClient(options => options.OperationTimeout = HostileServer.OperationTimeout);

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.OperationTimeout, () => host.Client.GetCreateImageOperation("op-1").WaitForCompletionAsync(), output);

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.Contains("OperationTimeout", typed.Message, StringComparison.Ordinal);

        // Polls at 0 s, then at least 1 s apart: a wait never ends early, so however slow the machine, no more than
        // one poll per second of the 3 s budget, plus the first (a very slow machine may send fewer).
        int most = 1 + (int)(HostileServer.OperationTimeout / ImageServiceClientOptions.DefaultMinimumPollingInterval);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{server.RawTargets.Count} polls (at most {most} allowed)"));
        Assert.InRange(server.RawTargets.Count, 0, most);
        Assert.All(server.RawTargets, target => Assert.Equal(HostileServer.WorkspacePath + "/operations/op-1", target));
    }
}
