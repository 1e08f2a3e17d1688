using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests.Contract;

/// <summary>
/// The emulator against openapi/images.yaml, read at test time so that a spec change the emulator does not follow fails
/// here, naming the property or parameter and the file to edit: every answer of a full lifecycle carries every key its
/// schema declares (null only where the spec allows it), every declared property gets a value somewhere in that
/// lifecycle, every query parameter of the spec has an effect, and the request media types are the spec's.
/// </summary>
public sealed class SpecConformanceTests
{
    private const string ImagesApiFile = "src/ImageService.Emulator/Api/ImagesApi.cs";
    private const string ProfilesApiFile = "src/ImageService.Emulator/Api/ProfilesApi.cs";
    private const string ThisFile = "tests/ImageService.Emulator.Tests/Contract/SpecConformanceTests.cs";

    /// <summary>
    /// Declared properties the emulator leaves null in every answer, each with the reason. Anything else the spec
    /// declares must get a value somewhere in <see cref="RunLifecycleAsync"/>.
    /// </summary>
    private static readonly Dictionary<string, string> s_neverFilled = new(StringComparer.Ordinal)
    {
        ["Model.tags"] = "the legacy tag list; models registered since kvTags existed leave it null",
    };

    private static OpenApiSpec Spec => OpenApiSpec.Instance;

    [Fact]
    public async Task FullLifecycle_EveryAnswer_CarriesEveryDeclaredKeyWithNullsOnlyWhereNullable()
    {
        // Builds long enough that the first GET sees an image still building.
        await using var h = await Harness.StartAsync(o => o.BuildStepDuration = TimeSpan.FromMilliseconds(100));
        var exchanges = await RunLifecycleAsync(h);
        var checker = new ResponseShapeChecker(Spec);
        int checkedAnswers = CheckAll(exchanges, checker);

        Assert.True(checker.Problems.Count == 0, $"{checker.Problems.Count} problem(s) in {checkedAnswers} answers:\n" + string.Join("\n", checker.Problems.Distinct().Take(30)));
        Assert.True(checkedAnswers >= 25, $"only {checkedAnswers} answers had a body to check");
    }

    [Fact]
    public async Task FullLifecycle_EveryDeclaredProperty_GetsAValueSomewhere()
    {
        await using var h = await Harness.StartAsync();
        var exchanges = await RunLifecycleAsync(h);
        var checker = new ResponseShapeChecker(Spec);
        CheckAll(exchanges, checker);

        var roots = Spec.Operations.SelectMany(o => o.Node["responses"]!.AsObject().Select(r => Spec.Resolve(r.Value!)["content"]?["application/json"]?["schema"])).OfType<JsonNode>();
        var neverFilled = checker.Declared(roots).Where(p => !checker.Filled.Contains(p) && !s_neverFilled.ContainsKey(p)).Order(StringComparer.Ordinal).ToList();

        Assert.True(neverFilled.Count == 0, string.Join("\n", neverFilled.Select(p =>
            $"{p} is declared in {OpenApiSpec.RelativePath}, but no answer of the emulator's lifecycle gave it a value: fill it in {ResponseShapeChecker.EmulatorShapes} "
            + $"(or, if the service really leaves it null, list it with the reason in {ThisFile}, s_neverFilled).")));
        Assert.All(s_neverFilled.Keys, p => Assert.DoesNotContain(p, checker.Filled));
    }

    [Fact]
    public async Task FullLifecycle_EveryOperationOfTheSpec_GetsASuccessfulAnswer()
    {
        // An operation the spec adds compiles in the emulator as soon as it implements the generated interface; this makes
        // the lifecycle call it, so the checks above see its answers.
        await using var h = await Harness.StartAsync();
        var exchanges = await RunLifecycleAsync(h);

        var unexercised = Unexercised(Spec, exchanges);

        Assert.True(unexercised.Count == 0, string.Join("\n", unexercised));
    }

    [Fact]
    public void Unexercised_AnOperationTheLifecycleNeverCalls_IsNamedWithTheFilesToEdit()
    {
        // The check itself, on the spec plus an operation no exchange reaches: a check that cannot fail would pass vacuously.
        var path = Spec.Operations.First(o => o.OperationId == "Images_QueryById").Path;
        string yaml = System.IO.File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "openapi", "images.yaml"))
            .Replace("\npaths:\n", $"\npaths:\n  {path}/rebuild:\n    post:\n      operationId: Images_Rebuild\n      responses:\n        '202':\n          description: Accepted.\n", StringComparison.Ordinal);
        var spec = OpenApiSpec.Parse(yaml);
        var exchanges = Spec.Operations.Select(o => new Exchange(o.Method, o.Path.Replace("{", "x", StringComparison.Ordinal).Replace("}", "x", StringComparison.Ordinal), 200, "{}")).ToList();

        var unexercised = Unexercised(spec, exchanges);

        Assert.Equal(
            $"{OpenApiSpec.RelativePath}: Images_Rebuild (POST {path}/rebuild) gets no successful answer in the emulator's lifecycle: implement it in src/ImageService.Emulator/Api/ and call it in {ThisFile} (RunLifecycleAsync), so that these tests check its answers.",
            Assert.Single(unexercised));
    }

    /// <summary>The operations of the spec that no exchange answered with a 2xx, each with what to do.</summary>
    private static List<string> Unexercised(OpenApiSpec spec, IReadOnlyList<Exchange> exchanges) =>
        [.. spec.Operations
            .Where(o => !exchanges.Any(e => e.Status is >= 200 and < 300 && e.Method.Equals(o.Method, StringComparison.OrdinalIgnoreCase) && o.PathPattern.IsMatch(e.Path)))
            .Select(o => $"{OpenApiSpec.RelativePath}: {o.OperationId} ({o.Method} {o.Path}) gets no successful answer in the emulator's lifecycle: implement it in "
                + $"src/ImageService.Emulator/Api/ and call it in {ThisFile} (RunLifecycleAsync), so that these tests check its answers.")];

    [Fact]
    public void Checker_AnswerMissingAKeyOrWithAWrongNull_NamesTheProperty()
    {
        // The checker itself, on an image built from the spec (every declared key, null where allowed, else a value),
        // then broken three ways: a drift it cannot see would make the tests above pass vacuously.
        var schema = new JsonObject { ["$ref"] = "#/components/schemas/ImageResponseBase" };
        var image = new JsonObject(Spec.Shape(schema).Properties.Select(p =>
            KeyValuePair.Create(p.Name, Spec.Shape(p.Schema).Nullable ? null : (JsonNode?)JsonValue.Create("x"))));
        image["imageFlavor"] = "AccelContainer";
        image.Remove("imageLocation");
        image["id"] = null;
        image["kvTags"] = new JsonObject { ["k"] = null };
        var checker = new ResponseShapeChecker(Spec);

        checker.Check(schema, image, "GET /images/x:1");

        Assert.Contains(checker.Problems, p => p.Contains("ImageResponseBase.imageLocation is declared", StringComparison.Ordinal));
        Assert.Contains(checker.Problems, p => p.Contains("GET /images/x:1.id (ImageResponseBase.id) is null", StringComparison.Ordinal));
        Assert.Contains(checker.Problems, p => p.Contains("GET /images/x:1.kvTags (ImageResponseBase.kvTags)[\"k\"] is null", StringComparison.Ordinal));
        Assert.Equal(3, checker.Problems.Count);
    }

    /// <summary>
    /// How each query parameter of the spec is shown to have an effect: a value that must change the answer and what it
    /// must change. A parameter the spec adds and this table lacks fails <see cref="EveryQueryParameterOfTheSpec_ChangesTheAnswer"/>.
    /// </summary>
    private static readonly Dictionary<(string OperationId, string Parameter), Func<Probe, Task>> s_queryProbes = new()
    {
        [("Images_ListQuery", "name")] = p => p.ListFilters("name=probe-a", ["probe-a:1", "probe-a:2"]),
        [("Images_ListQuery", "tag")] = p => p.ListFilters("tag=team=red", ["probe-a:1"]),
        [("Images_ListQuery", "tags")] = p => p.ListFilters("tags=team=blue", ["probe-a:2"]),
        [("Images_ListQuery", "properties")] = p => p.ListFilters("properties=owner=ops", ["probe-b:1"]),
        [("Images_ListQuery", "description")] = p => p.ListFilters("description=first%20of%20a", ["probe-a:1"]),
        [("Images_ListQuery", "modelId")] = p => p.ListFilters("modelId=onnx-resnet:2", ["probe-b:1"]),
        [("Images_ListQuery", "modelName")] = p => p.ListFilters("modelName=sklearn-model", ["probe-a:1", "probe-a:2"]),
        [("Images_ListQuery", "version")] = p => p.ListFilters("name=probe-a&version=2", ["probe-a:2"]),
        [("Images_ListQuery", "count")] = p => p.ListPages("count=1", 3),
        [("Images_ListQuery", "$skipToken")] = p => p.ListFollowsSkipToken("images?count=2&orderBy=CreatedAtAsc", ["probe-a:1", "probe-a:2", "probe-b:1"]),
        [("Images_ListQuery", "orderBy")] = p => p.ListOrders("orderBy=CreatedAtAsc", ["probe-a:1", "probe-a:2", "probe-b:1"]),
        [("Images_ListQuery", "expand")] = p => p.Expands("images?expand=true", page => page["value"]![0]!["modelDetails"]),
        [("Images_QueryById", "expand")] = p => p.Expands("images/probe-a:1?expand=true", image => image["modelDetails"]),
        [("Profiles_ListQuery", "name")] = p => p.ProfilesFilter("name=slow", ["slow"]),
        [("Profiles_ListQuery", "description")] = p => p.ProfilesFilter("description=the%20fast%20one", ["fast"]),
        [("Profiles_ListQuery", "tags")] = p => p.ProfilesFilter("tags=speed=slow", ["slow"]),
        [("Profiles_ListQuery", "properties")] = p => p.ProfilesFilter("properties=runs=3", ["fast"]),
        [("Profiles_ListQuery", "count")] = p => p.ProfilePages("count=1", 2),
        [("Profiles_ListQuery", "$skipToken")] = p => p.ProfilesFollowSkipToken("count=1&orderBy=CreatedAtAsc", ["fast", "slow"]),
        [("Profiles_ListQuery", "orderBy")] = p => p.ProfilesFilter("orderBy=CreatedAtDesc", ["slow", "fast"], ordered: true),
    };

    [Fact]
    public async Task EveryQueryParameterOfTheSpec_ChangesTheAnswer()
    {
        var parameters = Spec.Operations
            .SelectMany(o => o.Parameters.Select(p => Spec.Resolve(p)).Where(p => p["in"]!.GetValue<string>() == "query")
                .Select(p => (o.OperationId, Parameter: p["name"]!.GetValue<string>())))
            .ToList();
        var missing = parameters.Where(p => !s_queryProbes.ContainsKey(p)).ToList();
        Assert.True(missing.Count == 0, string.Join("\n", missing.Select(m =>
            $"{OpenApiSpec.RelativePath}: {m.OperationId} takes the query parameter '{m.Parameter}', and nothing shows the emulator acting on it. Implement it in "
            + $"{(m.OperationId.StartsWith("Profiles", StringComparison.Ordinal) ? ProfilesApiFile : ImagesApiFile)} ({m.OperationId}Async), then add its probe to {ThisFile} (s_queryProbes).")));

        await using var h = await Harness.StartAsync();
        var probe = await Probe.SeedAsync(h);
        var failures = new List<string>();
        foreach (var parameter in parameters)
        {
            try
            {
                await s_queryProbes[parameter](probe);
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException or InvalidOperationException)
            {
                failures.Add($"{parameter.OperationId} '{parameter.Parameter}': the emulator does not act on it ({ex.Message.Split('\n')[0]}). Fix it in "
                    + $"{(parameter.OperationId.StartsWith("Profiles", StringComparison.Ordinal) ? ProfilesApiFile : ImagesApiFile)}.");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Empty(s_queryProbes.Keys.Except(parameters)); // a probe for a parameter the spec dropped is stale
    }

    [Fact]
    public void RequestMediaTypes_AreTheOnesTheSpecDeclares()
    {
        var declared = Spec.Operations.Where(o => o.Node["requestBody"] is not null).ToDictionary(
            o => o.OperationId,
            o => Spec.Resolve(o.Node["requestBody"]!)["content"]!.AsObject().Select(c => c.Key).Order(StringComparer.Ordinal).ToList());
        var emulator = Api.RequestBodyFilter.Accepted.Where(a => declared.ContainsKey(a.Key) || a.Key.Contains('_', StringComparison.Ordinal))
            .ToDictionary(a => a.Key, a => a.Value.Order(StringComparer.Ordinal).ToList());

        Assert.Equal(
            declared.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}: {string.Join(", ", d.Value)}"),
            emulator.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}: {string.Join(", ", d.Value)}"));
    }

    /// <summary>Checks every answer with a JSON body against the schema the spec gives its operation and status.</summary>
    private static int CheckAll(IReadOnlyList<Exchange> exchanges, ResponseShapeChecker checker)
    {
        int checkedAnswers = 0;
        foreach (var exchange in exchanges.Where(e => e.Body.Length > 0))
        {
            var operation = Spec.Match(exchange.Method, exchange.Path);
            var schema = operation is null ? null : Spec.ResponseSchema(operation, exchange.Status);
            if (schema is null)
            {
                continue; // a route the spec does not have (models), or an answer without a body
            }

            checker.Check(schema, JsonNode.Parse(exchange.Body), $"{exchange.Method} {exchange.Path} -> {exchange.Status}");
            checkedAnswers++;
        }

        return checkedAnswers;
    }

    /// <summary>
    /// Everything a client meets: images building, failed and succeeded; with and without description, tags, models;
    /// every flavor shape; models with and without a run; operations in each state; profiles that succeed and fail;
    /// pages with and without a next link; patch answers; error answers from actions and from middleware.
    /// </summary>
    private static async Task<IReadOnlyList<Exchange>> RunLifecycleAsync(Harness h)
    {
        var exchanges = new List<Exchange>();
        async Task<HttpResponseMessage> Send(HttpMethod method, string url, string? body = null, string mediaType = "application/json", bool anonymous = false)
        {
            using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : Harness.Json(body, mediaType) };
            using var client = anonymous ? new HttpClient { BaseAddress = h.Http.BaseAddress } : null;
            var response = await (client ?? h.Http).SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            exchanges.Add(new Exchange(method.Method, Uri.UnescapeDataString(response.RequestMessage!.RequestUri!.AbsolutePath), (int)response.StatusCode, text));
            return response;
        }

        async Task<string> Create(string body)
        {
            using var response = await Send(HttpMethod.Post, "images", body);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return response.Headers.GetValues("Operation-Location").Single();
        }

        async Task Wait(string operation)
        {
            for (var deadline = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < deadline; await Task.Delay(10))
            {
                using var poll = await Send(HttpMethod.Get, operation);
                if (JsonNode.Parse(await poll.Content.ReadAsStringAsync())!["state"]!.GetValue<string>() is "Succeeded" or "Failed")
                {
                    return;
                }
            }

            throw new TimeoutException($"{operation} did not finish in two minutes.");
        }

        // A full image: everything a create can carry, models with and without a run (expand shows both).
        string full = await Create("""
            {"name":"full","description":"every field","imageType":"Docker","imageFlavor":"WebApiContainer","driverProgram":"driver",
             "assets":[{"id":"driver","mimeType":"application/x-python","url":"aml://artifact/driver.py","unpack":false}],
             "targetRuntime":{"runtimeType":"Python","properties":{"pipRequirements":"requirements.txt"},"targetArchitecture":"amd64","osType":"Linux"},
             "dockerFileUri":"aml://artifact/Dockerfile.extra","kvTags":{"team":"a"},"properties":{"owner":"ops"},
             "modelIds":["sklearn-model:1","onnx-resnet:1","onnx-resnet:2"]}
            """);
        (await Send(HttpMethod.Get, "images/full:1?expand=true")).Dispose(); // NotStarted: no build log, no location yet
        (await Send(HttpMethod.Get, full)).Dispose();
        await Wait(full);
        (await Send(HttpMethod.Get, "images/full:1?expand=true")).Dispose();

        // A bare image: no description, tags, properties, models, assets or runtime; then a failed one and an FPGA one.
        string bare = await Create("""{"name":"bare","imageFlavor":"WebApiContainer"}""");
        string broken = await Create("""{"name":"broken","imageFlavor":"IoTContainer","kvTags":{"emulator.build":"fail"}}""");
        string fpga = await Create("""{"name":"fpga","imageFlavor":"AccelContainer","description":"an FPGA image"}""");
        foreach (string operation in new[] { bare, broken, fpga })
        {
            await Wait(operation);
            (await Send(HttpMethod.Get, operation)).Dispose();
        }

        foreach (string id in new[] { "bare:1", "broken:1", "fpga:1" })
        {
            (await Send(HttpMethod.Get, $"images/{id}")).Dispose();
            (await Send(HttpMethod.Get, $"images/{id}?expand=true")).Dispose();
        }

        // Pages with and without nextLink, patch answers (one creating the maps an image never had).
        (await Send(HttpMethod.Get, "images?count=2&expand=true")).Dispose();
        (await Send(HttpMethod.Get, "images?orderBy=UpdatedAtAsc")).Dispose();
        (await Send(HttpMethod.Patch, "images/full:1", """[{"op":"replace","path":"/kvTags","value":{"stage":"prod"}}]""", "application/json-patch+json")).Dispose();
        (await Send(HttpMethod.Patch, "images/bare:1", """[{"op":"add","path":"/properties","value":{"reviewed":"yes"}}]""")).Dispose();

        // Profiles: one succeeds, one fails; listed in pages.
        using (var ok = await Send(HttpMethod.Post, "images/full:1/profiles", """{"name":"ok","description":"fast","inputData":"{}","kvTags":{"k":"v"},"properties":{"p":"1"}}"""))
        using (var failing = await Send(HttpMethod.Post, "images/full:1/profiles", """{"name":"failing","kvTags":{"emulator.profile":"fail"}}"""))
        {
            await Wait(ok.Headers.GetValues("Operation-Location").Single());
            await Wait(failing.Headers.GetValues("Operation-Location").Single());
        }

        (await Send(HttpMethod.Get, "images/full:1/profiles/ok")).Dispose();
        (await Send(HttpMethod.Get, "images/full:1/profiles/failing")).Dispose();
        (await Send(HttpMethod.Get, "images/full:1/profiles?count=1")).Dispose();
        (await Send(HttpMethod.Get, "images/full:1/profiles")).Dispose();

        // Errors: from actions (404, 400 with details) and from middleware (401, with correlation).
        (await Send(HttpMethod.Get, "images/missing:9")).Dispose();
        (await Send(HttpMethod.Post, "images", """{"name":"x","imageFlavor":"WebApiContainer"}""")).Dispose();
        (await Send(HttpMethod.Get, "images", anonymous: true)).Dispose();
        (await Send(HttpMethod.Delete, "images/bare:1")).Dispose();
        return exchanges;
    }

    private sealed record Exchange(string Method, string Path, int Status, string Body);

    /// <summary>Three images and two profiles that every query parameter can tell apart.</summary>
    private sealed class Probe(Harness h)
    {
        public static async Task<Probe> SeedAsync(Harness h)
        {
            await h.CreateAndWaitAsync("probe-a", ""","description":"first of a","kvTags":{"team":"red"},"modelIds":["sklearn-model:1"]""");
            await h.CreateAndWaitAsync("probe-a", ""","kvTags":{"team":"blue"},"modelIds":["sklearn-model:1"]""");
            await h.CreateAndWaitAsync("probe-b", ""","properties":{"owner":"ops"},"modelIds":["onnx-resnet:2"]""");
            foreach (string profile in new[] { """{"name":"fast","description":"the fast one","properties":{"runs":"3"}}""", """{"name":"slow","kvTags":{"speed":"slow"}}""" })
            {
                using var created = await h.Http.PostAsync("images/probe-a:1/profiles", Harness.Json(profile));
                Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
                await h.WaitAsync(created.Headers.GetValues("Operation-Location").Single());
            }

            return new Probe(h);
        }

        public async Task ListFilters(string query, string[] expected) =>
            Assert.Equal(expected, (await Ids("images?" + query)).Order(StringComparer.Ordinal));

        public async Task ListOrders(string query, string[] expected)
        {
            Assert.Equal(expected, await Ids("images?" + query));
            Assert.Equal(expected.Reverse(), await Ids("images"));
        }

        public async Task ListPages(string query, int pages) => Assert.Equal(pages, await CountPages("images?" + query));

        public async Task ListFollowsSkipToken(string first, string[] expected) => Assert.Equal(expected, await Follow(first));

        public async Task Expands(string url, Func<JsonNode, JsonNode?> details)
        {
            var expanded = details(await h.GetJsonAsync(url));
            Assert.NotNull(expanded);
            Assert.NotEmpty(expanded.AsArray());
            Assert.Null(details(await h.GetJsonAsync(url.Replace("expand=true", "expand=false", StringComparison.Ordinal))));
        }

        public async Task ProfilesFilter(string query, string[] expected, bool ordered = false)
        {
            var names = (await h.GetJsonAsync("images/probe-a:1/profiles?" + query))["value"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
            Assert.Equal(expected, ordered ? names : names.Order(StringComparer.Ordinal));
            if (ordered)
            {
                Assert.Equal(expected.Reverse(), (await h.GetJsonAsync("images/probe-a:1/profiles?orderBy=CreatedAtAsc"))["value"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
            }
        }

        public async Task ProfilePages(string query, int pages) => Assert.Equal(pages, await CountPages("images/probe-a:1/profiles?" + query));

        public async Task ProfilesFollowSkipToken(string query, string[] expected)
        {
            var names = new List<string>();
            for (string? next = "images/probe-a:1/profiles?" + query; next is not null; Bound(names.Count))
            {
                var page = await h.GetJsonAsync(next);
                names.AddRange(page["value"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
                next = page["nextLink"]?.GetValue<string>();
            }

            Assert.Equal(expected, names);
        }

        /// <summary>A nextLink chain that does not end (a $skipToken ignored) fails instead of looping.</summary>
        private static void Bound(int seen)
        {
            if (seen > 20)
            {
                throw new InvalidOperationException("the nextLink chain does not end");
            }
        }

        private async Task<List<string>> Ids(string url) =>
            [.. (await h.GetJsonAsync(url))["value"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())];

        private async Task<List<string>> Follow(string first)
        {
            var ids = new List<string>();
            for (string? next = first; next is not null; Bound(ids.Count))
            {
                var page = await h.GetJsonAsync(next);
                ids.AddRange(page["value"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
                next = page["nextLink"]?.GetValue<string>();
                Assert.True(next is null || next.Contains("$skipToken=", StringComparison.Ordinal), $"nextLink without $skipToken: {next}");
            }

            return ids;
        }

        private async Task<int> CountPages(string first)
        {
            int pages = 0;
            for (string? next = first; next is not null; Bound(++pages))
            {
                next = (await h.GetJsonAsync(next))["nextLink"]?.GetValue<string>();
            }

            return pages;
        }
    }
}
