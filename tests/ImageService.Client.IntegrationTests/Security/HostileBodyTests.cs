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

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public async Task GetImageAsync_ChunkedBodyAtOrOneBytePastTheLimit_IsReadWholeOrRefused(int pastTheLimit, bool read)
    {
        // The body's buffer is rented from a pool and may be longer than the limit: the limit, not the buffer, must
        // decide, to the byte.
        string start = "{\"id\":\"img:1\",\"imageFlavor\":\"WebApiContainer\",\"description\":\"";
        string description = new('d', (int)Limit + pastTheLimit - start.Length - 2);
        await using LoopbackServer server = await LoopbackServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(start);
            await ctx.Response.Body.FlushAsync(); // no Content-Length: chunked
            await ctx.Response.WriteAsync(description + "\"}");
        });
        using ClientHost host = Host(server);

        if (read)
        {
            ImageResponseBase image = await host.Client.GetImageAsync("img:1");
            Assert.Equal(description, image.Description);
        }
        else
        {
            ImageServiceException failure = await Assert.ThrowsAsync<ImageServiceException>(() => host.Client.GetImageAsync("img:1"));
            Assert.Contains("MaxResponseBytes", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GetImageAsync_ManyBodiesOfDifferentSizesInARow_EachReadsItsOwnBody()
    {
        // Each body is read into a pooled buffer that goes back when its response is disposed: no body may show
        // through in the next, whether the next is longer or shorter, declared (Content-Length) or chunked.
        await using LoopbackServer server = await LoopbackServer.StartAsync(ctx =>
        {
            string id = ctx.Request.Path.Value![(ctx.Request.Path.Value!.LastIndexOf('/') + 1)..];
            int size = int.Parse(id.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
            byte[] body = Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\",\"imageFlavor\":\"WebApiContainer\",\"description\":\"{new string((char)('a' + (size % 26)), size)}\"}}");
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength = size % 2 == 0 ? body.Length : null;
            return ctx.Response.Body.WriteAsync(body).AsTask();
        });
        using ClientHost host = Host(server);

        foreach (int size in new[] { 40_000, 11, 5_000, 70_001, 1, 20_000, 301, 16_384, 0, 65_537 })
        {
            ImageResponseBase image = await host.Client.GetImageAsync($"img:{size}");
            Assert.Equal($"img:{size}", image.Id);
            Assert.Equal(new string((char)('a' + (size % 26)), size), image.Description);
        }
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
