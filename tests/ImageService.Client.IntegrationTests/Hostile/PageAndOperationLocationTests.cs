using System;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.Security;
using ImageService.Client.IntegrationTests.TestSupport;
using Xunit.Abstractions;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>
/// Issue 13, case 7: a page with a null item or a page that is not a JSON object is an
/// <see cref="ImageServiceException"/>; an Operation-Location refused for its origin still tells the caller the
/// operation id, so the accepted build can be resumed.
/// </summary>
public sealed class PageAndOperationLocationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("""{"value":[null]}""")]
    [InlineData("""{"value":[{"id":"img:1","imageFlavor":"WebApiContainer"},null]}""")]
    [InlineData("[]")]
    [InlineData("\"page\"")]
    [InlineData("42")]
    [InlineData("null")]
    public async Task ListImagesAsync_PageWithANullItemOrNotAnObject_ThrowsImageServiceException(string page)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) => ctx.Response.WriteAsJsonLiteralAsync(page));
        using ClientHost host = server.CreateClient();
        int items = 0;

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, async () =>
        {
            await foreach (ImageResponseBase image in host.Client.ListImagesAsync())
            {
                Assert.NotNull(image);
                items++;
            }
        }, output);

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.Equal(200, typed.Status);
        Assert.Equal(0, items);
        Assert.Equal([HostileServer.WorkspacePath + "/images"], server.RawTargets);
    }

    [Fact]
    public async Task StartCreateImageAsync_OperationLocationOnForeignOrigin_ThrowsWithTheOperationIdAndResumesOnTheEndpoint()
    {
        await using HostileServer foreign = await HostileServer.StartAsync((ctx, _) => ctx.Response.WriteAsJsonLiteralAsync("{}"));
        await using HostileServer service = await HostileServer.StartAsync((ctx, _) =>
        {
            if (ctx.Request.Method == "POST")
            {
                ctx.Response.StatusCode = 202;
                ctx.Response.Headers["Operation-Location"] = $"{foreign.BaseAddress}operations/op-7";
                return Task.CompletedTask;
            }

            return ctx.Request.Path.Value!.EndsWith("/operations/op-7", StringComparison.Ordinal)
                ? ctx.Response.WriteAsJsonLiteralAsync($$"""{"id":"op-7","state":"Succeeded","resourceLocation":"{{HostileServer.WorkspacePath}}/images/built:1"}""")
                : ctx.Response.WriteAsJsonLiteralAsync("""{"id":"built:1","imageFlavor":"WebApiContainer"}""");
        });
        using ClientHost host = service.CreateClient();

        ImageServiceException refused = await Assert.ThrowsAsync<ImageServiceException>(() =>
            host.Client.StartCreateImageAsync(new DockerImageRequest { Name = "built", ImageFlavor = ImageFlavor.WebApiContainer }));
        ImageResponseBase resumed = await host.Client.GetCreateImageOperation(refused.OperationId!).WaitForCompletionAsync();

        Assert.Equal("op-7", refused.OperationId);
        Assert.Equal(202, refused.Status);
        Assert.Contains("'built'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AdditionalAllowedOrigins", refused.Message, StringComparison.Ordinal);
        Assert.Equal("built:1", resumed.Id);
        Assert.Empty(foreign.Requests);
        Assert.Equal(
            [HostileServer.WorkspacePath + "/images", HostileServer.WorkspacePath + "/operations/op-7", HostileServer.WorkspacePath + "/images/built%3A1"],
            service.RawTargets);
    }
}
