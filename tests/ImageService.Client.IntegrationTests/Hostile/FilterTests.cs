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
    [InlineData("Tags", "team", "a,b", "'team' = 'a,b'")]
    [InlineData("Tags", "a,b", null, "'a,b'")]
    [InlineData("Tags", "team=x", "y", "'team=x' = 'y'")]
    [InlineData("Tags", "", "y", "'' = 'y'")]
    [InlineData("Properties", "commit", "abc,def", "'commit' = 'abc,def'")]
    public async Task ListImagesAsync_FilterTheGrammarCannotExpress_ThrowsArgumentExceptionNamingTheEntry(string which, string key, string? value, string entry)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) => ctx.Response.WriteAsJsonLiteralAsync("""{"value":[]}"""));
        using ClientHost host = server.CreateClient();
        var filter = new ImageListOptions();
        (which == "Tags" ? filter.Tags : filter.Properties)[key] = value;

        // Refused when the listing is asked for, before it is enumerated.
        ArgumentException refused = Assert.Throws<ArgumentException>(() => host.Client.ListImagesAsync(filter));

        Assert.Contains($"ImageListOptions.{which} entry {entry}", refused.Message, StringComparison.Ordinal);
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

        await HostileServer.ListAllAsync(host.Client.ListImagesAsync(filter));

        Assert.Equal([HostileServer.WorkspacePath + "/images?tags=team%3Da%3Db%20c%2Cany&properties=path%3Dx%2Fy%26z"], server.RawTargets);
    }
}
