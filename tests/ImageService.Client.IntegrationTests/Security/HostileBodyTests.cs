using System;
using System.Text;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;
using Microsoft.AspNetCore.Http;

namespace ImageService.Client.IntegrationTests.Security;

/// <summary>Bodies meant to exhaust memory or the stack, served over loopback: each must end in ImageServiceException.</summary>
public sealed class HostileBodyTests
{
    private const long Limit = 1024 * 1024;

    [Fact]
    public async Task GetImageAsync_ChunkedBodyPastTheLimit_FailsAtTheLimit()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(async ctx =>
        {
            // No Content-Length: 64 MiB of a string that never closes, in 64 KiB chunks. Without the limit the client
            // would read all of it and then fail on the broken JSON, without naming MaxResponseBytes.
            ctx.Response.ContentType = "application/json";
            byte[] chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
            await ctx.Response.WriteAsync("{\"id\":\"");
            for (int i = 0; i < 1024 && !ctx.RequestAborted.IsCancellationRequested; i++)
            {
                await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
            }
        });
        using ClientHost host = Host(server);

        ImageServiceException failure = await Assert.ThrowsAsync<ImageServiceException>(() => host.Client.GetImageAsync("img:1"));

        Assert.Contains("MaxResponseBytes", failure.Message, StringComparison.Ordinal);
        Figures.Add("security", "hostileBodiesRefused", 1);
    }

    [Fact]
    public async Task GetImageAsync_DeclaredLengthPastTheLimit_FailsBeforeReading()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength = 2 * Limit;
            await ctx.Response.WriteAsync("{\"id\":\"" + new string('a', (int)(2 * Limit) - 9) + "\"}");
        });
        using ClientHost host = Host(server);

        ImageServiceException failure = await Assert.ThrowsAsync<ImageServiceException>(() => host.Client.GetImageAsync("img:1"));

        Assert.Contains("MaxResponseBytes", failure.Message, StringComparison.Ordinal);
        Figures.Add("security", "hostileBodiesRefused", 1);
    }

    [Fact]
    public async Task GetImageAsync_AbsurdlyDeepNesting_FailsCleanly()
    {
        const int depth = 10_000;
        string body = "{\"id\":\"img:1\",\"imageFlavor\":\"WebApiContainer\",\"error\":" + string.Concat(System.Linq.Enumerable.Repeat("{\"details\":[", depth)) + string.Concat(System.Linq.Enumerable.Repeat("]}", depth)) + "}";
        await using LoopbackServer server = await LoopbackServer.StartAsync(ctx =>
        {
            ctx.Response.ContentType = "application/json";
            return ctx.Response.WriteAsync(body);
        });
        using ClientHost host = Host(server);

        ImageServiceException failure = await Assert.ThrowsAsync<ImageServiceException>(() => host.Client.GetImageAsync("img:1"));

        Assert.Equal(200, failure.Status);
        Figures.Add("security", "hostileBodiesRefused", 1);
    }

    private static ClientHost Host(LoopbackServer server) => ClientHost.Create(options =>
    {
        options.Endpoint = server.BaseAddress;
        options.SubscriptionId = "sub";
        options.ResourceGroup = "rg";
        options.Workspace = "ws";
        options.Credential = new StaticTokenCredential("token");
        options.MaxResponseBytes = Limit;
        options.MaxRetryAttempts = 0;
        options.AttemptTimeout = TimeSpan.FromSeconds(20);
        options.TotalRequestTimeout = TimeSpan.FromSeconds(40);
        options.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(40);
    });
}
