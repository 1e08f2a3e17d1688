using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.Security;
using ImageService.Client.IntegrationTests.TestSupport;
using Microsoft.AspNetCore.Http.Features;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>
/// Issue 13, case 4: an id stays in its path segment. <c>.</c> and <c>..</c> (which System.Uri would remove, sending the
/// request and its token to the image list or the workspace) are refused before any request; every other id reaches
/// the server as <c>/images/{escaped id}</c>, checked on the raw request target.
/// </summary>
public sealed class DotIdTests
{
    public static TheoryData<string> DotIds => new() { ".", ".." };

    [Theory]
    [MemberData(nameof(DotIds))]
    public async Task ImageCalls_DotSegmentId_ThrowArgumentExceptionAndSendNothing(string id)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) => ctx.Response.WriteAsJsonLiteralAsync("""{"value":[]}"""));
        using ClientHost host = server.CreateClient();
        ImageServiceClient client = host.Client;

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetImageAsync(id));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteImageAsync(id));
        await Assert.ThrowsAsync<ArgumentException>(() => client.UpdateTagsAsync(id, new Dictionary<string, string> { ["a"] = "b" }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.UpdateImageAsync(id, new ImagePatch().ReplaceDescription("d")));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetProfileAsync("img:1", id));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetOperationAsync(id));
        Assert.Throws<ArgumentException>(() => client.GetCreateImageOperation(id));
        Assert.Throws<ArgumentException>(() => client.ListProfilesAsync(id));

        Assert.Empty(server.RawTargets);
    }

    [Theory]
    [InlineData("img:1")]
    [InlineData("...")]
    [InlineData("a.")]
    [InlineData(".a")]
    [InlineData("a/..")]
    [InlineData("../a")]
    [InlineData("%2E%2E")]
    [InlineData("a\\..")]
    [InlineData("a?b=c")]
    [InlineData("a#b")]
    [InlineData("a b")]
    [InlineData("é:1")]
    public async Task GetImageAsync_AnyOtherId_TargetsImagesSlashTheEscapedId(string id)
    {
        // The answer names the image asked for (the client refuses one that names another): the id as the server got it.
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) => ctx.Response.WriteAsJsonLiteralAsync(
            JsonSerializer.Serialize(new { id = Uri.UnescapeDataString(ctx.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget.Split('/')[^1]), imageFlavor = "WebApiContainer" })));
        using ClientHost host = server.CreateClient();

        await host.Client.GetImageAsync(id);

        Assert.Equal([HostileServer.WorkspacePath + "/images/" + Uri.EscapeDataString(id)], server.RawTargets);
    }
}
