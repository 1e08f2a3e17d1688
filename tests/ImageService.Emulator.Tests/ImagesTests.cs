using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests;

public sealed class ImagesTests
{
    private const string ModelSklearn = ""","modelIds":["sklearn-model:1"]""";

    [Fact]
    public async Task Request_NoOrWrongToken_Returns401ModelErrorResponse()
    {
        await using var h = await Harness.StartAsync();
        using var anonymous = new HttpClient();
        using var none = await anonymous.GetAsync(new Uri(h.Http.BaseAddress!, "images"));
        var error = await Harness.ErrorAsync(none, HttpStatusCode.Unauthorized);
        Assert.Equal("Unauthorized", error["code"]!.GetValue<string>());

        using var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri(h.Http.BaseAddress!, "images"));
        wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-the-token");
        using var wrongResponse = await anonymous.SendAsync(wrong);
        await Harness.ErrorAsync(wrongResponse, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task UnknownRoute_Any_Returns404ModelErrorResponse()
    {
        await using var h = await Harness.StartAsync();
        using var response = await h.Http.GetAsync("no-such-thing");
        var error = await Harness.ErrorAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("NotFound", error["code"]!.GetValue<string>());

        using var otherWorkspace = await h.Http.GetAsync(new Uri(h.Http.BaseAddress!.ToString().Replace("emulator-ws", "other-ws", StringComparison.Ordinal) + "images"));
        Assert.Equal("WorkspaceNotFound", (await Harness.ErrorAsync(otherWorkspace, HttpStatusCode.NotFound))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_ThenPoll_SucceedsWithRealisticImage()
    {
        await using var h = await Harness.StartAsync(o => o.BuildStepDuration = TimeSpan.FromMilliseconds(200));
        using var response = await h.CreateAsync("myimage", ModelSklearn + ""","kvTags":{"team":"a"},"assets":[{"id":"driver","url":"aml://artifact/x"}],"targetRuntime":{"runtimeType":"Python","targetArchitecture":"amd64"},"driverProgram":"driver" """);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0, response.Content.Headers.ContentLength ?? 0);
        string location = response.Headers.GetValues("Operation-Location").Single();
        Assert.StartsWith(h.Emulator.BaseAddress.ToString(), location, StringComparison.Ordinal);

        // Right after the 202: not terminal, resourceLocation already set, poll hints present.
        using var first = await h.Http.GetAsync(location);
        var running = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        Assert.Contains(running["state"]!.GetValue<string>(), new[] { "NotStarted", "Running" });
        Assert.EndsWith("/images/myimage:1", running["resourceLocation"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("1", first.Headers.GetValues("Retry-After").Single());
        Assert.Equal("100", first.Headers.GetValues("x-ms-retry-after-ms").Single());

        var done = await h.WaitAsync(location);
        Assert.Equal("Succeeded", done["state"]!.GetValue<string>());
        Assert.NotNull(done["endTime"]);
        Assert.Contains("succeeded", done["operationLog"]!.GetValue<string>(), StringComparison.Ordinal);

        var image = await h.GetJsonAsync("images/myimage:1?expand=true");
        Assert.Equal("Succeeded", image["creationState"]!.GetValue<string>());
        Assert.Equal("emulatorregistry.azurecr.io/myimage:1", image["imageLocation"]!.GetValue<string>());
        Assert.Equal("WebApiContainer", image["imageFlavor"]!.GetValue<string>());
        Assert.Equal("amd64", image["targetRuntime"]!["targetArchitecture"]!.GetValue<string>());
        Assert.False(image["assets"]![0]!["unpack"]!.GetValue<bool>());
        Assert.Equal(done["id"]!.GetValue<string>(), image["operationId"]!.GetValue<string>());
        Assert.Equal("ScikitLearn", image["modelDetails"]![0]!["framework"]!.GetValue<string>());
        Assert.Contains("+00:00", image["createdTime"]!.GetValue<string>(), StringComparison.Ordinal);

        using var escaped = await h.Http.GetAsync("images/myimage%3A1");
        Assert.Equal(HttpStatusCode.OK, escaped.StatusCode);
    }

    [Fact]
    public async Task Create_FailTag_EndsFailedWithErrorAndLog()
    {
        await using var h = await Harness.StartAsync();
        var operation = await h.CreateAndWaitAsync("broken", ""","kvTags":{"emulator.build":"fail"}""");
        Assert.Equal("Failed", operation["state"]!.GetValue<string>());
        Assert.Equal("ImageBuildFailed", operation["error"]!["code"]!.GetValue<string>());
        Assert.Contains("ERROR", operation["operationLog"]!.GetValue<string>(), StringComparison.Ordinal);
        var image = await h.GetJsonAsync("images/broken:1");
        Assert.Equal("Failed", image["creationState"]!.GetValue<string>());
        Assert.Equal("ImageBuildFailed", image["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_SameNameTwice_IncrementsVersion()
    {
        await using var h = await Harness.StartAsync();
        var first = await h.CreateAndWaitAsync("versioned");
        var second = await h.CreateAndWaitAsync("versioned");
        Assert.EndsWith("versioned:1", first["resourceLocation"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.EndsWith("versioned:2", second["resourceLocation"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, h.Emulator.CountImages("versioned"));
    }

    [Theory]
    [InlineData("""{"name":"ab","imageFlavor":"WebApiContainer"}""", "name")]
    [InlineData("""{"name":"Bad_Name","imageFlavor":"WebApiContainer"}""", "name")]
    [InlineData("""{"name":"-abc","imageFlavor":"WebApiContainer"}""", "name")]
    [InlineData("""{"name":"abcdefghijabcdefghijabcdefghijabc","imageFlavor":"WebApiContainer"}""", "name")]
    [InlineData("""{"name":"okname","imageFlavor":"NoSuchFlavor"}""", "imageFlavor")]
    [InlineData("""{"name":"okname"}""", "imageFlavor")]
    [InlineData("""{"name":"okname","imageFlavor":"WebApiContainer","modelIds":["missing-model:7"]}""", "modelIds")]
    [InlineData("""{"name":""", "body")]
    public async Task Create_InvalidBody_Returns400NamingTheProblem(string body, string target)
    {
        await using var h = await Harness.StartAsync();
        using var response = await h.Http.PostAsync("images", Harness.Json(body));
        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(target, error["details"]![0]!["target"]!.GetValue<string>());
        Assert.Empty(h.Emulator.Images);
    }

    [Fact]
    public async Task Create_FlavorInOtherCase_IsAcceptedAndNormalized()
    {
        await using var h = await Harness.StartAsync();
        using var response = await h.CreateAsync("lower", flavor: "webapicontainer");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("WebApiContainer", (await h.GetJsonAsync("images/lower:1"))["imageFlavor"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_EachFilter_ReturnsOnlyMatches()
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("alpha", ""","description":"First one","kvTags":{"team":"x","stage":"dev"},"properties":{"createdBy":"sdk"},"modelIds":["sklearn-model:1"]""");
        await h.CreateAndWaitAsync("alpha", ""","kvTags":{"team":"y"},"modelIds":["onnx-resnet:2"]""");
        await h.CreateAndWaitAsync("beta", ""","kvTags":{"stage":"prod"},"properties":{"createdBy":"cli"},"modelIds":["onnx-resnet:1"]""");

        async Task<string[]> Ids(string query) =>
            [.. (await h.GetJsonAsync("images" + query))["value"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal)];

        Assert.Equal(["alpha:1", "alpha:2", "beta:1"], await Ids(""));
        Assert.Equal(["alpha:1", "alpha:2"], await Ids("?name=alpha"));
        Assert.Equal(["alpha:1", "alpha:2"], await Ids("?tags=team"));
        Assert.Equal(["alpha:1"], await Ids("?tags=team,stage=dev"));
        Assert.Equal(["beta:1"], await Ids("?tags=stage%3Dprod"));
        Assert.Equal(["alpha:2"], await Ids("?tag=team=y"));
        Assert.Equal(["alpha:1", "beta:1"], await Ids("?properties=createdBy"));
        Assert.Equal(["beta:1"], await Ids("?properties=createdBy=cli"));
        Assert.Equal(["alpha:1"], await Ids("?description=First%20one"));
        Assert.Equal(["alpha:2"], await Ids("?modelId=onnx-resnet:2"));
        Assert.Equal(["alpha:2", "beta:1"], await Ids("?modelName=onnx-resnet"));
        Assert.Equal(["alpha:2"], await Ids("?name=alpha&version=2"));
        Assert.Empty(await Ids("?tags=nope"));
    }

    [Theory]
    [InlineData("CreatedAtDesc", new[] { "c:1", "b:1", "a:1" })]
    [InlineData("createdatasc", new[] { "a:1", "b:1", "c:1" })]
    [InlineData("UpdatedAtDesc", new[] { "a:1", "c:1", "b:1" })]
    [InlineData("UPDATEDATASC", new[] { "b:1", "c:1", "a:1" })]
    public async Task List_OrderBy_OrdersCaseInsensitively(string orderBy, string[] expected)
    {
        await using var h = await Harness.StartAsync();
        foreach (string name in new[] { "aaa", "bbb", "ccc" })
        {
            await h.CreateAndWaitAsync(name);
        }

        using var patch = await h.Http.PatchAsync("images/aaa:1", Harness.Json("""[{"op":"replace","path":"/description","value":"touched"}]"""));
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var ids = (await h.GetJsonAsync($"images?orderBy={orderBy}"))["value"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToArray();
        Assert.Equal(expected.Select(e => e[0] + new string(e[0], 2) + e[1..]), ids);

        using var bad = await h.Http.GetAsync("images?orderBy=Sideways");
        await Harness.ErrorAsync(bad, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task List_CountAndNextLink_ReturnsEveryImageExactlyOnce()
    {
        await using var h = await Harness.StartAsync();
        for (int i = 0; i < 7; i++)
        {
            using var response = await h.CreateAsync("paged", ""","kvTags":{"k":"v"}""");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        using var other = await h.CreateAsync("other");
        var seen = new List<string>();
        string? next = "images?count=3&tags=k=v&orderBy=CreatedAtAsc";
        int pages = 0;
        while (next is not null)
        {
            var page = await h.GetJsonAsync(next);
            Assert.True(page["value"]!.AsArray().Count <= 3);
            seen.AddRange(page["value"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
            next = page["nextLink"]?.GetValue<string>();
            if (next is not null)
            {
                Assert.StartsWith(h.Emulator.BaseAddress.ToString(), next, StringComparison.Ordinal);
                Assert.Contains("tags=k%3Dv", next, StringComparison.Ordinal);
                Assert.Contains("$skipToken=", next, StringComparison.Ordinal);
            }

            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(1, 7).Select(v => $"paged:{v}"), seen);

        using var badToken = await h.Http.GetAsync("images?$skipToken=garbage!");
        await Harness.ErrorAsync(badToken, HttpStatusCode.BadRequest);
        using var badCount = await h.Http.GetAsync("images?count=0");
        await Harness.ErrorAsync(badCount, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task List_Expand_FillsModelDetailsOnlyWhenAsked()
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("expanded", ModelSklearn);
        Assert.Null((await h.GetJsonAsync("images"))["value"]![0]!["modelDetails"]);
        var details = (await h.GetJsonAsync("images?expand=true"))["value"]![0]!["modelDetails"]!.AsArray();
        Assert.Equal("sklearn-model:1", Assert.Single(details)!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_SupportedOperations_UpdateImageAndTagHistory()
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("patched", ""","kvTags":{"a":"1"},"properties":{"p":"1"}""");

        using var tags = await h.Http.PatchAsync("images/patched:1",
            Harness.Json("""[{"op":"replace","path":"/kvTags","value":{"b":"2"}}]""", "application/json-patch+json"));
        Assert.Equal(HttpStatusCode.OK, tags.StatusCode);
        var body = JsonNode.Parse(await tags.Content.ReadAsStringAsync())!;
        Assert.Equal("""{"b":"2"}""", body["kvTags"]!.ToJsonString());

        using var props = await h.Http.PatchAsync("images/patched:1",
            Harness.Json("""[{"op":"add","path":"/properties","value":{"p":"1","q":"2"}},{"op":"replace","path":"/description","value":"new text"},{"op":"add","path":"/kvTags","value":{"c":"3"}}]"""));
        Assert.Equal(HttpStatusCode.OK, props.StatusCode);
        var image = await h.GetJsonAsync("images/patched:1");
        Assert.Equal("""{"p":"1","q":"2"}""", image["properties"]!.ToJsonString());
        Assert.Equal("new text", image["description"]!.GetValue<string>());
        Assert.Equal("""{"c":"3"}""", image["kvTags"]!.ToJsonString());

        var history = h.Emulator.GetImage("patched:1")!.TagHistory;
        Assert.Equal(["a", "b", "c"], history.Select(t => t.Keys.Single()));
    }

    [Theory]
    [InlineData("""[{"op":"add","path":"/properties","value":{"p":"changed"}}]""", "ImmutableProperty")]
    [InlineData("""[{"op":"replace","path":"/properties","value":{"p":"1"}}]""", "InvalidPatch")]
    [InlineData("""[{"op":"remove","path":"/description"}]""", "InvalidPatch")]
    [InlineData("""[{"op":"replace","path":"/name","value":"x"}]""", "InvalidPatch")]
    [InlineData("""[{"op":"replace","path":"/kvTags","value":"not an object"}]""", "InvalidPatch")]
    [InlineData("""[]""", "InvalidPatch")]
    public async Task Patch_InvalidOperation_Returns400AndChangesNothing(string patch, string detailCode)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("guarded", ""","kvTags":{"a":"1"},"properties":{"p":"1"}""");
        // A valid operation first: the patch is atomic, so it must not be applied either.
        string document = patch == "[]" ? patch : """[{"op":"replace","path":"/kvTags","value":{"z":"9"}},""" + patch.TrimStart('[');
        using var response = await h.Http.PatchAsync("images/guarded:1", Harness.Json(document));
        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(detailCode, error["details"]![0]!["code"]!.GetValue<string>());
        var image = h.Emulator.GetImage("guarded:1")!;
        Assert.Equal("1", image.KvTags["a"]);
        Assert.Equal("1", image.Properties["p"]);
    }

    [Fact]
    public async Task Patch_MissingImage_Returns404()
    {
        await using var h = await Harness.StartAsync();
        using var response = await h.Http.PatchAsync("images/ghost:1", Harness.Json("""[{"op":"replace","path":"/description","value":"x"}]"""));
        await Harness.ErrorAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_ExistingAbsentAndInUse_Returns200_204_412()
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("doomed");
        await h.CreateAndWaitAsync("busy", ""","kvTags":{"emulator.inUse":"true"}""");

        using var deleted = await h.Http.DeleteAsync("images/doomed:1");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        using var again = await h.Http.DeleteAsync("images/doomed:1");
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        using var gone = await h.Http.GetAsync("images/doomed:1");
        await Harness.ErrorAsync(gone, HttpStatusCode.NotFound);

        using var busy = await h.Http.DeleteAsync("images/busy:1");
        Assert.Equal("DeletionRequired", (await Harness.ErrorAsync(busy, HttpStatusCode.PreconditionFailed))["code"]!.GetValue<string>());
        Assert.NotNull(h.Emulator.GetImage("busy:1"));
    }

    [Fact]
    public async Task Requests_AreRecordedWithHeadersForInspection()
    {
        await using var h = await Harness.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "images");
        request.Headers.Add("x-ms-client-request-id", "req-42");
        using var response = await h.Http.SendAsync(request);
        Assert.Equal("req-42", response.Headers.GetValues("x-ms-client-request-id").Single());
        var recorded = Assert.Single(h.Emulator.RequestsTo("/images"));
        Assert.Equal("GET", recorded.Method);
        Assert.Equal("Bearer emulator-token", recorded.Headers["authorization"]);
        Assert.Equal("req-42", recorded.Headers["x-ms-client-request-id"]);
        Assert.Equal(200, recorded.StatusCode);
    }

    [Fact]
    public async Task ModelsAndProfiles_RegisterAndProfile_Work()
    {
        await using var h = await Harness.StartAsync();
        var models = await h.GetJsonAsync("models");
        Assert.Equal(3, models["value"]!.AsArray().Count);
        using var registered = await h.Http.PostAsync("models", Harness.Json("""{"name":"sklearn-model","url":"aml://asset/y","mimeType":"application/octet-stream"}"""));
        Assert.Equal("sklearn-model:2", JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        Assert.Equal("sklearn-model", (await h.GetJsonAsync("models/sklearn-model:2"))["name"]!.GetValue<string>());
        await h.CreateAndWaitAsync("withnew", ""","modelIds":["sklearn-model:2"]""");

        using var profile = await h.Http.PostAsync("images/withnew:1/profiles", Harness.Json("""{"name":"p1","inputData":"{}"}"""));
        Assert.Equal(HttpStatusCode.Accepted, profile.StatusCode);
        var operation = await h.WaitAsync(profile.Headers.GetValues("Operation-Location").Single());
        Assert.Equal("Succeeded", operation["state"]!.GetValue<string>());
        Assert.Equal("Succeeded", (await h.GetJsonAsync("images/withnew:1/profiles/p1"))["state"]!.GetValue<string>());
        Assert.Single((await h.GetJsonAsync("images/withnew:1/profiles"))["value"]!.AsArray());
    }
}
