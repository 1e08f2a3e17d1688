using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests;

/// <summary>
/// Patch paths are JSON Pointers (RFC 6901): <c>~1</c> is <c>/</c> and <c>~0</c> is <c>~</c> (in that order), any other
/// <c>~</c> is an error, and <c>/</c> always separates reference tokens, so <c>/kvTags/../id</c> points inside the tag
/// <c>..</c> (a string) and is refused rather than stored as a tag key.
/// </summary>
public sealed class JsonPointerTests
{
    [Theory]
    [InlineData("/kvTags/a~1b", "a/b")]
    [InlineData("/kvTags/a~0b", "a~b")]
    [InlineData("/kvTags/~01", "~1")]
    [InlineData("/kvTags/~10", "/0")]
    [InlineData("/kvTags/..", "..")]
    public async Task Patch_EscapedTagKey_IsUnescapedPerRfc6901(string path, string key)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("pointer", ""","kvTags":{"a":"1"}""");

        using var added = await h.Http.PatchAsync("images/pointer:1", Harness.Json($$"""[{"op":"add","path":"{{path}}","value":"v"}]"""));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal("v", h.Emulator.GetImage("pointer:1")!.KvTags[key]);

        using var removed = await h.Http.PatchAsync("images/pointer:1", Harness.Json($$"""[{"op":"remove","path":"{{path}}"}]"""));
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(["a"], h.Emulator.GetImage("pointer:1")!.KvTags.Keys);
    }

    [Theory]
    [InlineData("add", "/kvTags/a~2b", "~2")]
    [InlineData("add", "/kvTags/a~", "~")]
    [InlineData("replace", "/kvTags/~x", "~x")]
    [InlineData("remove", "/kvTags/a~2b", "~2")]
    [InlineData("add", "/properties/p~9", "~9")]
    public async Task Patch_InvalidEscape_Returns400NamingThePathAndChangesNothing(string op, string path, string escape)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("pointer", ""","kvTags":{"a":"1","a~2b":"2"}""");

        string value = op == "remove" ? "" : ""","value":"v" """;
        using var response = await h.Http.PatchAsync("images/pointer:1", Harness.Json($$"""[{"op":"{{op}}","path":"{{path}}"{{value}}}]"""));

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(path, error["details"]![0]!["target"]!.GetValue<string>());
        Assert.Contains(escape, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var image = h.Emulator.GetImage("pointer:1")!;
        Assert.Equal(["a", "a~2b"], image.KvTags.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(image.Properties);
    }

    [Theory]
    [InlineData("/kvTags/../id")]
    [InlineData("/kvTags/a/b")]
    [InlineData("/kvTags/a/")]
    [InlineData("/properties/p/q")]
    public async Task Patch_PathBelowATagOrProperty_Returns400AndStoresNoSuchKey(string path)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("pointer", ""","kvTags":{"a":"1"}""");

        using var response = await h.Http.PatchAsync("images/pointer:1", Harness.Json($$"""[{"op":"add","path":"{{path}}","value":"v"}]"""));

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(path, error["details"]![0]!["target"]!.GetValue<string>());
        var image = h.Emulator.GetImage("pointer:1")!;
        Assert.Equal(["a"], image.KvTags.Keys);
        Assert.Empty(image.Properties);
    }
}
