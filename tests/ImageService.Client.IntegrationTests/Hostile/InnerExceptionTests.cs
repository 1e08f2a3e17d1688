using System;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.Security;
using ImageService.Client.IntegrationTests.TestSupport;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>
/// Issue 16, item 6: no exception a caller can reach through <see cref="Exception.InnerException"/> of an
/// <see cref="ImageServiceException"/> is of a type the caller cannot name (the generated client's internal
/// <c>ApiException</c> used to be there on every HTTP error).
/// </summary>
public sealed class InnerExceptionTests
{
    [Theory]
    [InlineData(404, """{"code":"NotFound","message":"no such image"}""")]
    [InlineData(400, "not json at all")]
    [InlineData(200, """{"id": {"nested": true}}""")]
    [InlineData(200, "null")]
    [InlineData(418, "")]
    public async Task GetImageAsync_AnyFailedResponse_HasOnlyPublicTypesAsInnerExceptions(int status, string body)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = status;
            return ctx.Response.WriteAsJsonLiteralAsync(body);
        });
        using ClientHost host = server.CreateClient(options => options.MaxRetryAttempts = 0);

        ImageServiceException failure = await Assert.ThrowsAsync<ImageServiceException>(() => host.Client.GetImageAsync("img:1"));

        Assert.Equal(status, failure.Status);
        for (Exception? inner = failure.InnerException; inner is not null; inner = inner.InnerException)
        {
            Assert.True(inner.GetType().IsVisible, $"{inner.GetType()} is not a public type.");
        }
    }

    [Fact]
    public async Task DeleteImageAsync_ImageInUse_HasOnlyPublicTypesAsInnerExceptions()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = 412;
            return ctx.Response.WriteAsJsonLiteralAsync("""{"code":"DeletionRequired","message":"in use"}""");
        });
        using ClientHost host = server.CreateClient();

        ImageServiceException failure = await Assert.ThrowsAsync<ImageServiceException>(() => host.Client.DeleteImageAsync("img:1"));

        Assert.Equal("DeletionRequired", failure.ErrorCode);
        for (Exception? inner = failure.InnerException; inner is not null; inner = inner.InnerException)
        {
            Assert.True(inner.GetType().IsVisible, $"{inner.GetType()} is not a public type.");
        }
    }
}
