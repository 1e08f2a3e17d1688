using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests;

/// <summary>
/// Input the service refuses, refused the service's way: a <c>ModelErrorResponse</c> with 400 naming the field and the
/// problem, 413 or 415, never a 500 and never accepted as if it were fine.
/// </summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData("""{"name":""", "body", "not valid JSON")]
    [InlineData("""not json at all""", "body", "not valid JSON")]
    [InlineData("""{"name":"okname"}""", "imageFlavor", "imageFlavor is required")]
    [InlineData("""{"imageFlavor":"WebApiContainer"}""", "name", "name is required")]
    [InlineData("""{"name":"okname","imageFlavor":{"x":1}}""", "imageFlavor", "imageFlavor")]
    [InlineData("""{"name":["okname"],"imageFlavor":"WebApiContainer"}""", "name", "name")]
    [InlineData("""{"name":"okname","imageFlavor":"WebApiContainer","kvTags":{"k":null}}""", "kvTags.k", "null")]
    [InlineData("""{"name":"okname","imageFlavor":"WebApiContainer","properties":{"p":null}}""", "properties.p", "null")]
    [InlineData("""{"name":"okname","imageFlavor":"WebApiContainer","kvTags":{"":"v"}}""", "kvTags", "empty key")]
    public async Task CreateImage_BadBody_Returns400NamingFieldAndProblem(string body, string target, string problem)
    {
        await using var h = await Harness.StartAsync();
        using var response = await h.Http.PostAsync("images", Harness.Json(body));

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(target, error["details"]![0]!["target"]!.GetValue<string>());
        Assert.Contains(problem, error["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(h.Emulator.Images);
    }

    [Theory]
    [InlineData("""{"name":{"first":"x"},"url":"aml://asset/1","mimeType":"application/octet-stream"}""", "name")]
    [InlineData("""{"name":["x"],"url":"aml://asset/1","mimeType":"application/octet-stream"}""", "name")]
    [InlineData("""{"url":"aml://asset/1","mimeType":"application/octet-stream"}""", "name")]
    [InlineData("""{"name":"m","mimeType":"application/octet-stream"}""", "url")]
    [InlineData("""{"name":"m","url":"aml://asset/1","mimeType":"application/octet-stream","kvTags":{"k":null}}""", "kvTags.k")]
    [InlineData("""[1,2]""", "body")]
    public async Task RegisterModel_BadBody_Returns400NamingTheField(string body, string target)
    {
        await using var h = await Harness.StartAsync();
        using var response = await h.Http.PostAsync("models", Harness.Json(body));

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(target, error["details"]![0]!["target"]!.GetValue<string>());
        Assert.Equal(3, (await h.GetJsonAsync("models"))["value"]!.AsArray().Count);
    }

    [Fact]
    public async Task CreateProfile_NullTagValue_Returns400NamingTheEntry()
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("profiled");
        using var response = await h.Http.PostAsync("images/profiled:1/profiles", Harness.Json("""{"name":"p","kvTags":{"k":null}}"""));

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("kvTags.k", error["details"]![0]!["target"]!.GetValue<string>());
        Assert.Empty((await h.GetJsonAsync("images/profiled:1/profiles"))["value"]!.AsArray());
    }

    [Theory]
    [InlineData("""[{"op":"add","path":"/properties/","value":"x"}]""", "/properties/", "empty")]
    [InlineData("""[{"op":"add","path":"/properties/p","value":null}]""", "/properties/p", "/properties/p")]
    [InlineData("""[{"op":"replace","path":"/kvTags","value":{"k":null}}]""", "/kvTags", "object of strings")]
    public async Task Patch_EmptyKeyOrNullValue_Returns400AndStoresNothing(string patch, string target, string problem)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("patched", ""","kvTags":{"a":"1"},"properties":{"p0":"0"}""");
        using var response = await h.Http.PatchAsync("images/patched:1", Harness.Json(patch, "application/json-patch+json"));

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(target, error["details"]![0]!["target"]!.GetValue<string>());
        Assert.Contains(problem, error["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        var image = h.Emulator.GetImage("patched:1")!;
        Assert.Equal(["p0"], image.Properties.Keys);
        Assert.Equal(["a"], image.KvTags.Keys);
    }

    [Fact]
    public async Task ListImages_NullTagValueRefusedAtCreate_NeverMatchesAKeyFilter()
    {
        // What used to happen: {"k": null} was stored, shown as {} and matched ?tags=k.
        await using var h = await Harness.StartAsync();
        using var refused = await h.CreateAsync("nulltag", ""","kvTags":{"k":null}""");
        await Harness.ErrorAsync(refused, HttpStatusCode.BadRequest);
        await h.CreateAndWaitAsync("realtag", ""","kvTags":{"k":"v"}""");

        Assert.Equal(["realtag:1"], (await h.GetJsonAsync("images?tags=k"))["value"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("application/merge-patch+json")]
    [InlineData("text/json")]
    [InlineData("application/foo+json")]
    [InlineData("text/plain")]
    public async Task Patch_MediaTypeTheSpecDoesNotDeclare_Returns415AndChangesNothing(string mediaType)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("typed", ""","kvTags":{"a":"1"}""");
        using var response = await h.Http.PatchAsync("images/typed:1", Harness.Json("""[{"op":"replace","path":"/kvTags","value":{"b":"2"}}]""", mediaType));

        var error = await Harness.ErrorAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json-patch+json", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("1", h.Emulator.GetImage("typed:1")!.KvTags["a"]);
    }

    [Theory]
    [InlineData("images", "text/json")]
    [InlineData("images", "application/vnd.custom+json")]
    [InlineData("models", "text/json")]
    public async Task Create_MediaTypeTheSpecDoesNotDeclare_Returns415(string route, string mediaType)
    {
        await using var h = await Harness.StartAsync();
        using var response = await h.Http.PostAsync(route, Harness.Json("""{"name":"okname","imageFlavor":"WebApiContainer","url":"u","mimeType":"m"}""", mediaType));

        await Harness.ErrorAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Empty(h.Emulator.Images);
    }

    [Fact]
    public async Task Create_BodyOverTheLimit_Returns413ModelErrorResponse()
    {
        await using var h = await Harness.StartAsync();
        var body = new StringBuilder("""{"name":"big","imageFlavor":"WebApiContainer","description":""").Append('x', 31_000_000).Append("\"}").ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "images") { Content = Harness.Json(body) };

        // As curl does for a large body: the answer can then come before the body is sent, instead of a broken pipe.
        request.Headers.ExpectContinue = true;
        using var response = await h.Http.SendAsync(request);

        var error = await Harness.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("PayloadTooLarge", error["code"]!.GetValue<string>());
        Assert.Empty(h.Emulator.Images);
    }

    [Theory]
    [InlineData("images?count=2147483647")]
    [InlineData("images/paged:1/profiles?count=2147483647")]
    public async Task List_CountAtInt32Max_ReturnsEverythingWithoutNextLink(string url)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("paged");
        await h.CreateAndWaitAsync("paged");
        using var profile = await h.Http.PostAsync("images/paged:1/profiles", Harness.Json("""{"name":"p"}"""));
        await h.WaitAsync(profile.Headers.GetValues("Operation-Location").Single());

        var page = await h.GetJsonAsync(url);

        Assert.NotEmpty(page["value"]!.AsArray());
        Assert.Equal(url.Contains("profiles", StringComparison.Ordinal) ? 1 : 2, page["value"]!.AsArray().Count);
        Assert.Null(page["nextLink"]);
    }

    [Theory]
    [InlineData("images?count=2147483648", "count")]
    [InlineData("images?count=-1", "count")]
    [InlineData("images?count=many", "count")]
    [InlineData("images/paged:1/profiles?count=0", "count")]
    public async Task List_CountOutOfRange_Returns400NamingCount(string url, string target)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("paged");
        using var response = await h.Http.GetAsync(url);

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(target, error["details"]![0]!["target"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("images?orderBy=Sideways")]
    [InlineData("images/paged:1/profiles?orderBy=Sideways")]
    public async Task List_UnknownOrderBy_Returns400NamingOrderBy(string url)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("paged");
        using var response = await h.Http.GetAsync(url);

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("orderBy", error["details"]![0]!["target"]!.GetValue<string>());
        Assert.Contains("'Sideways'", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
