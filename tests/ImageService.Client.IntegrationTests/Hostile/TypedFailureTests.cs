using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.Security;
using ImageService.Client.IntegrationTests.TestSupport;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>
/// Issue 13, case 2: whatever the server sends surfaces as <see cref="ImageServiceException"/> (or is honoured within
/// bounds), never as a raw exception from the delay, the date parser, the decompressor or the listing.
/// </summary>
public sealed class TypedFailureTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("1e20")]
    [InlineData("Infinity")]
    public async Task GetImageAsync_503WithRetryAfterMsPastTimeSpan_RetriesAtMaxDelayThenThrowsImageServiceException(string milliseconds)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = 503;
            ctx.Response.Headers["x-ms-retry-after-ms"] = milliseconds;
            return ctx.Response.WriteAsJsonLiteralAsync("""{"code":"Busy","message":"try later"}""");
        });
        using ClientHost host = server.CreateClient();

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, () => host.Client.GetImageAsync("img:1"), output);

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.Equal(503, typed.Status);
        Assert.Equal(4, server.RawTargets.Count); // the first attempt and three retries, each after MaxDelay (200 ms): no timeout is near
    }

    [Theory]
    [InlineData("4294968")] // one second past what Task.Delay accepts
    [InlineData("Fri, 31 Dec 9999 23:59:59 GMT")]
    public async Task WaitForCompletionAsync_PollAsksForADelayPastTaskDelay_PollsAgainAfterACappedDelayAndCompletes(string retryAfter)
    {
        int polls = 0;
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) =>
        {
            if (ctx.Request.Path.Value!.EndsWith("/operations/op-1", StringComparison.Ordinal))
            {
                if (Interlocked.Increment(ref polls) == 1)
                {
                    ctx.Response.Headers["Retry-After"] = retryAfter;
                    return ctx.Response.WriteAsJsonLiteralAsync("""{"id":"op-1","state":"Running"}""");
                }

                return ctx.Response.WriteAsJsonLiteralAsync($$"""{"id":"op-1","state":"Succeeded","resourceLocation":"{{HostileServer.WorkspacePath}}/images/img:1"}""");
            }

            return ctx.Response.WriteAsJsonLiteralAsync(HostileServer.ImageJson);
        });
        using ClientHost host = server.CreateClient();
        ImageResponseBase? image = null;

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(
            HostileServer.PatientOperationTimeout, async () => image = await host.Client.GetCreateImageOperation("op-1").WaitForCompletionAsync(), output);

        Assert.Null(failure);
        Assert.Equal("img:1", image!.Id);
        Assert.Equal(
            [HostileServer.WorkspacePath + "/operations/op-1", HostileServer.WorkspacePath + "/operations/op-1", HostileServer.WorkspacePath + "/images/img%3A1"],
            server.RawTargets);
    }

    [Fact]
    public async Task GetImageAsync_CreatedTimePastYear9999_ThrowsImageServiceExceptionNamingTheField()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) =>
            ctx.Response.WriteAsJsonLiteralAsync("""{"id":"img:1","imageFlavor":"WebApiContainer","createdTime":"/Date(99999999999999999)/"}"""));
        using ClientHost host = server.CreateClient();

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, () => host.Client.GetImageAsync("img:1"), output);

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.Equal(200, typed.Status);
        Assert.Contains("createdTime", typed.Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentOutOfRangeException>(typed.InnerException);
        Assert.Single(server.RawTargets); // a body that cannot be read is not retried
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task GetImageAsync_ContentEncodingTheBodyDoesNotHave_ThrowsImageServiceException(string encoding)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) =>
        {
            ctx.Response.Headers.ContentEncoding = encoding;
            return ctx.Response.WriteAsJsonLiteralAsync(HostileServer.ImageJson);
        });
        using ClientHost host = server.CreateClient();

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, () => host.Client.GetImageAsync("img:1"), output);

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.Equal(200, typed.Status);
        Assert.Single(server.RawTargets);
    }

    [Theory]
    [InlineData("ftp://x/y")]
    [InlineData("file:///etc/passwd")]
    [InlineData("file:")]
    public async Task ListImagesAsync_NextLinkThatIsNotHttp_ThrowsImageServiceExceptionAfterTheFirstPage(string nextLink)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) =>
            ctx.Response.WriteAsJsonLiteralAsync($$"""{"value":[{{HostileServer.ImageJson}}],"nextLink":"{{nextLink}}"}"""));
        using ClientHost host = server.CreateClient();
        var seen = new List<string>();

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, async () =>
        {
            await foreach (ImageResponseBase image in host.Client.ListImagesAsync())
            {
                seen.Add(image.Id!);
            }
        }, output);

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.Contains(nextLink, typed.Message, StringComparison.Ordinal);
        Assert.Empty(seen); // the page that carries the bad link is refused whole
        Assert.Equal([HostileServer.WorkspacePath + "/images"], server.RawTargets);
    }
}
