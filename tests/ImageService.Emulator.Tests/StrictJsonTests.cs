using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests;

/// <summary>
/// Request bodies are read as the service's parser reads them: RFC 8259 JSON in UTF-8, at most 32 levels deep, nothing
/// before or after the one value. Anything else is a 400 <c>InvalidJson</c> naming the body, never a 500, never
/// accepted as if it were fine.
/// </summary>
public sealed class StrictJsonTests
{
    private const string Create = """{"name":"strict","imageFlavor":"WebApiContainer"}""";

    [Theory]
    [InlineData("""{"name":"strict","imageFlavor":"WebApiContainer"} trailing""", "after")]
    [InlineData("""{"name":"strict","imageFlavor":"WebApiContainer"}{"name":"again"}""", "after")]
    [InlineData("""{"name":"strict" /* a comment */,"imageFlavor":"WebApiContainer"}""", "")]
    [InlineData("""{"name":"strict", // a comment""" + "\n" + """ "imageFlavor":"WebApiContainer"}""", "")]
    [InlineData("""{'name':'strict','imageFlavor':'WebApiContainer'}""", "")]
    [InlineData("""{name:"strict",imageFlavor:"WebApiContainer"}""", "")]
    [InlineData("""{"name":"strict","imageFlavor":"WebApiContainer",}""", "")]
    [InlineData("""{"name":"strict","imageFlavor":"WebApiContainer","kvTags":{"n":NaN}}""", "")]
    public async Task CreateImage_NotRfc8259Json_Returns400InvalidJsonAndCreatesNothing(string body, string problem)
    {
        await using var h = await Harness.StartAsync();
        using var response = await h.Http.PostAsync("images", Harness.Json(body));

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("body", error["details"]![0]!["target"]!.GetValue<string>());
        Assert.Equal("InvalidJson", error["details"]![0]!["code"]!.GetValue<string>());
        Assert.Contains(problem, error["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(h.Emulator.Images);
    }

    [Theory]
    [InlineData("invalid UTF-8", "not UTF-8")]
    [InlineData("UTF-16 with its byte order mark", "UTF-16 byte order mark")]
    // RFC 8259 forbids sending a byte order mark and lets a parser refuse it; the service's parser does, as the
    // emulator always did.
    [InlineData("UTF-8 with a byte order mark", "UTF-8 byte order mark")]
    public async Task CreateImage_NotPlainUtf8_Returns400InvalidJsonSayingWhy(string encoding, string problem)
    {
        await using var h = await Harness.StartAsync();
        byte[] body = encoding switch
        {
            "invalid UTF-8" => [.. "{\"name\":\"bad"u8, 0xFF, 0xFE, .. "utf\",\"imageFlavor\":\"WebApiContainer\"}"u8],
            "UTF-16 with its byte order mark" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Create)],
            _ => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Create)],
        };

        using var response = await h.Http.PostAsync("images", Bytes(body, "application/json"));

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("InvalidJson", error["details"]![0]!["code"]!.GetValue<string>());
        Assert.Contains(problem, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(h.Emulator.Images);
    }

    [Fact]
    public async Task CreateImage_Utf16Charset_Returns415NamingUtf8()
    {
        await using var h = await Harness.StartAsync();
        using var content = Bytes(Encoding.Unicode.GetBytes(Create), "application/json");
        content.Headers.ContentType!.CharSet = "utf-16";

        using var response = await h.Http.PostAsync("images", content);

        var error = await Harness.ErrorAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("utf-8", error["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(h.Emulator.Images);
    }

    [Theory]
    [InlineData(40, false)]
    [InlineData(32, false)]
    // The object is level 1, so 31 arrays make 32 levels: the deepest document the service reads.
    [InlineData(31, true)]
    public async Task CreateImage_UnboundPropertyNested_RefusedOnlyDeeperThan32Levels(int arrays, bool accepted)
    {
        await using var h = await Harness.StartAsync();
        string body = $$"""{"name":"deep","imageFlavor":"WebApiContainer","extra":{{Nested(arrays)}}}""";

        using var response = await h.Http.PostAsync("images", Harness.Json(body));

        if (accepted)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return;
        }

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("32", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(h.Emulator.Images);
    }

    [Theory]
    [InlineData("/kvTags/k")]
    [InlineData("/kvTags")]
    [InlineData("/description")]
    public async Task Patch_ValueNestedDeeperThan32_Returns400AndChangesNothing(string path)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("deep", ""","kvTags":{"a":"1"}""");
        string patch = $$"""[{"op":"replace","path":"{{path}}","value":{{Nested(40)}}}]""";

        using var response = await h.Http.PatchAsync("images/deep:1", Harness.Json(patch, "application/json-patch+json"));

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("body", error["details"]![0]!["target"]!.GetValue<string>());
        Assert.Equal(["a"], h.Emulator.GetImage("deep:1")!.KvTags.Keys);
    }

    [Theory]
    [InlineData("""[{"op":"replace","path":"/kvTags","value":{"b":"2"}}] []""")]
    [InlineData("""[{"op":"replace","path":"/kvTags","value":{"b":"2"}},]""")]
    [InlineData("""[{"op":"replace","path":"/kvTags","value":{'b':'2'}}]""")]
    [InlineData("""[/* replace */{"op":"replace","path":"/kvTags","value":{"b":"2"}}]""")]
    public async Task Patch_NotRfc8259Json_Returns400AndChangesNothing(string patch)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("lax", ""","kvTags":{"a":"1"}""");

        using var response = await h.Http.PatchAsync("images/lax:1", Harness.Json(patch, "application/json-patch+json"));

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("InvalidJson", error["details"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(["a"], h.Emulator.GetImage("lax:1")!.KvTags.Keys);
    }

    [Theory]
    [InlineData("models", """{"name":"m","url":"aml://asset/1","mimeType":"application/octet-stream"} x""")]
    [InlineData("images/profiled:1/profiles", """{'name':'p'}""")]
    public async Task OtherBodies_NotRfc8259Json_Return400InvalidJson(string route, string body)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("profiled");

        using var response = await h.Http.PostAsync(route, Harness.Json(body));

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("InvalidJson", error["details"]![0]!["code"]!.GetValue<string>());
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static ByteArrayContent Bytes(byte[] body, string mediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }
}
