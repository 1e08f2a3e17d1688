using System;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.Security;
using ImageService.Client.IntegrationTests.TestSupport;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>
/// Issue 13, case 6: a tag or property filter the service's grammar (comma-separated <c>key</c> or <c>key=value</c>)
/// cannot express is refused with <see cref="ArgumentException"/> naming the entry, before any request, instead of
/// being sent as other filters that match the wrong images.
/// </summary>
public sealed class FilterTests
{
    [Theory]
    [InlineData("team", "a,b", "'team' = 'a,b'")]
    [InlineData("a,b", null, "'a,b'")]
    [InlineData("team=x", "y", "'team=x' = 'y'")]
    [InlineData("", "y", "'' = 'y'")]
    public async Task ListImagesAsync_TagFilterTheGrammarCannotExpress_ThrowsArgumentExceptionNamingTheEntry(string key, string? value, string entry)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) => ctx.Response.WriteAsJsonLiteralAsync("""{"value":[]}"""));
        using ClientHost host = server.CreateClient();
        var filter = new ImageListOptions();
        filter.Tags[key] = value;

        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (ImageResponseBase _ in host.Client.ListImagesAsync(filter))
            {
            }
        });

        Assert.Contains("ImageListOptions.Tags", refused.Message, StringComparison.Ordinal);
        Assert.Contains(entry, refused.Message, StringComparison.Ordinal);
        Assert.Empty(server.RawTargets);
    }

    [Fact]
    public async Task ListImagesAsync_PropertyValueWithComma_ThrowsArgumentExceptionNamingTheEntry()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) => ctx.Response.WriteAsJsonLiteralAsync("""{"value":[]}"""));
        using ClientHost host = server.CreateClient();
        var filter = new ImageListOptions();
        filter.Properties["commit"] = "abc,def";

        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (ImageResponseBase _ in host.Client.ListImagesAsync(filter))
            {
            }
        });

        Assert.Contains("ImageListOptions.Properties entry 'commit' = 'abc,def'", refused.Message, StringComparison.Ordinal);
        Assert.Empty(server.RawTargets);
    }

    [Fact]
    public async Task ListImagesAsync_FiltersTheGrammarCanExpress_AreSentEscapedAsOneEntryEach()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) => ctx.Response.WriteAsJsonLiteralAsync("""{"value":[]}"""));
        using ClientHost host = server.CreateClient();
        var filter = new ImageListOptions();
        filter.Tags["team"] = "a=b c";
        filter.Tags["any"] = null;
        filter.Properties["path"] = "x/y&z";

        await foreach (ImageResponseBase _ in host.Client.ListImagesAsync(filter))
        {
        }

        Assert.Equal([HostileServer.WorkspacePath + "/images?tags=team%3Da%3Db%20c%2Cany&properties=path%3Dx%2Fy%26z"], server.RawTargets);
    }
}
