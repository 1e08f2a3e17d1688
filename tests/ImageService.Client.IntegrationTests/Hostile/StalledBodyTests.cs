using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.Security;
using ImageService.Client.IntegrationTests.TestSupport;
using Xunit.Abstractions;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>
/// Issue 13, case 1: a response body that stalls or trickles is bounded by the attempt timeout, the total timeout, the
/// operation's budget and the caller's token, like the headers are. Each test: the exception type, that the call ends
/// within its budget (plus <see cref="HostileServer.HangMargin"/>), and what reached the wire.
/// </summary>
public sealed class StalledBodyTests(ITestOutputHelper output)
{
    private static readonly string ImagePath = HostileServer.WorkspacePath + "/images/img%3A1";

    [Theory]
    [InlineData(Misbehaviour.Stall)]
    [InlineData(Misbehaviour.Trickle)]
    public async Task GetImageAsync_BodyStallsOrTrickles_EndsWithImageServiceExceptionWithinTheTotalTimeout(Misbehaviour misbehaviour)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, self) => self.MisbehaveAsync(ctx, misbehaviour, """{"id":"img:1","description":" """));
        using ClientHost host = server.CreateClient(HostileServer.Tight);

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.TotalRequestTimeout, () => host.Client.GetImageAsync("img:1"), output);

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.Contains("timed out", typed.Message, StringComparison.Ordinal);
        Assert.NotEmpty(server.RawTargets);
        Assert.All(server.RawTargets, target => Assert.Equal(ImagePath, target)); // each attempt the same GET
    }

    [Theory]
    [InlineData(Misbehaviour.Stall)]
    [InlineData(Misbehaviour.Trickle)]
    public async Task ListImagesAsync_FirstPageStallsOrTrickles_EndsWithImageServiceExceptionWithinTheTotalTimeout(Misbehaviour misbehaviour)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, self) => self.MisbehaveAsync(ctx, misbehaviour, """{"value":[{"id":"img:1","description":" """));
        using ClientHost host = server.CreateClient(HostileServer.Tight);

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.TotalRequestTimeout, () => HostileServer.ListAllAsync(host.Client.ListImagesAsync()), output);

        Assert.IsType<ImageServiceException>(failure);
        Assert.All(server.RawTargets, target => Assert.Equal(HostileServer.WorkspacePath + "/images", target));
    }

    [Fact]
    public async Task ListImagesAsync_NextLinkPageStalls_DeliversTheFirstPageThenEndsWithinTheTotalTimeout()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, self) =>
            ctx.Request.Query.ContainsKey("$skipToken")
                ? self.StallAsync(ctx, """{"value":[""")
                : ctx.Response.WriteAsJsonLiteralAsync($$"""{"value":[{{HostileServer.ImageJson}}],"nextLink":"{{self.BaseAddress}}{{HostileServer.WorkspacePath.TrimStart('/')}}/images?$skipToken=2"}"""));

        // Each page is a call of its own: 10 s each, so that the first page arrives however loaded the machine.
        TimeSpan perPage = TimeSpan.FromSeconds(10);
        using ClientHost host = server.CreateClient(options =>
        {
            options.AttemptTimeout = perPage / 2;
            options.TotalRequestTimeout = perPage;
        });
        var seen = new List<string>();

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(perPage * 2, async () =>
        {
            await foreach (ImageResponseBase image in host.Client.ListImagesAsync())
            {
                seen.Add(image.Id!);
            }
        }, output);

        Assert.IsType<ImageServiceException>(failure);
        Assert.Equal(["img:1"], seen);
        Assert.Equal(HostileServer.WorkspacePath + "/images", server.RawTargets[0]);
        Assert.All(server.RawTargets.Skip(1), target => Assert.Equal(HostileServer.WorkspacePath + "/images?$skipToken=2", target));
    }

    [Fact]
    public async Task WaitForCompletionAsync_PollBodyStalls_EndsWithImageServiceExceptionWithinTheOperationTimeout()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, self) => self.StallAsync(ctx, """{"id":"op-1","state":"Run"""));
        using ClientHost host = server.CreateClient(HostileServer.Tight);

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.OperationTimeout, () => host.Client.GetCreateImageOperation("op-1").WaitForCompletionAsync(), output);

        Assert.IsType<ImageServiceException>(failure);
        Assert.All(server.RawTargets, target => Assert.Equal(HostileServer.WorkspacePath + "/operations/op-1", target));
    }

    [Fact]
    public async Task GetImageAsync_BodyStallsAndTheCallerCancels_EndsWithOperationCanceledExceptionSoonAfter()
    {
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using HostileServer server = await HostileServer.StartAsync((ctx, self) => self.StallAsync(ctx, """{"id":" """, stalled: stalled));

        // The patient timeouts are far away: only the caller's token can end this call. It is cancelled once the body
        // has stalled (a fixed delay from the start could fire before a loaded machine even sent the request).
        using ClientHost host = server.CreateClient();
        using var cancellation = new CancellationTokenSource();

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(TimeSpan.FromMilliseconds(500), async () =>
        {
            Task call = host.Client.GetImageAsync("img:1", cancellation.Token);
            await Task.WhenAny(stalled.Task, call);
            await cancellation.CancelAsync();
            await call;
        }, output);

        Assert.IsAssignableFrom<OperationCanceledException>(failure);
        Assert.Equal([ImagePath], server.RawTargets);
    }

    [Fact]
    public async Task UpdateTagsAsync_BodyTrickles_EndsWithImageServiceExceptionAfterOneAttempt()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, self) => self.TrickleAsync(ctx, """{"id":"img:1","description":" """));
        using ClientHost host = server.CreateClient(HostileServer.Tight);

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(
            HostileServer.TotalRequestTimeout, () => host.Client.UpdateTagsAsync("img:1", new Dictionary<string, string> { ["a"] = "b" }), output);

        Assert.IsType<ImageServiceException>(failure);
        LoopbackRequest patch = Assert.Single(server.Requests); // a PATCH that timed out may have been applied: never resent
        Assert.Equal("PATCH", patch.Method);
    }

    [Fact]
    public async Task GetImageAsync_ErrorBodyTrickles_EndsWithImageServiceExceptionWithinTheTotalTimeout()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, self) => self.TrickleAsync(ctx, """{"code":"Boom","message":" """, status: 500));
        using ClientHost host = server.CreateClient(HostileServer.Tight);

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.TotalRequestTimeout, () => host.Client.GetImageAsync("img:1"), output);

        Assert.IsType<ImageServiceException>(failure);
        Assert.All(server.RawTargets, target => Assert.Equal(ImagePath, target));
    }

    [Fact]
    public async Task WaitForCompletionAsync_PollBodyTricklesWithinGenerousRequestTimeouts_EndsAtTheOperationTimeout()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, self) => self.TrickleAsync(ctx, """{"id":"op-1","operationLog":" """));

        // The patient request timeouts are far away: only OperationTimeout (3 s) bounds this wait.
        using ClientHost host = server.CreateClient(options => options.OperationTimeout = HostileServer.OperationTimeout);

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.OperationTimeout, () => host.Client.GetCreateImageOperation("op-1").WaitForCompletionAsync(), output);

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.Contains("OperationTimeout", typed.Message, StringComparison.Ordinal);
        Assert.Equal("op-1", typed.OperationId);
        Assert.Equal([HostileServer.WorkspacePath + "/operations/op-1"], server.RawTargets);
    }
}
