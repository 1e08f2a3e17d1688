using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ImageService.Client.IntegrationTests.Contract;

/// <summary>One <c>prism mock -d</c>: random, schema-valid answers.</summary>
public sealed class PrismDynamicFixture : IAsyncLifetime
{
    internal PrismProcess Prism { get; private set; } = null!;

    // No --seed: Prism 5.16 reseeds per request, so a seed makes all 200 answers of an operation identical. Variety is
    // the point; a failure prints the exact body that broke the SDK instead.
    public async Task InitializeAsync() => Prism = await PrismProcess.MockAsync(dynamic: true);

    public async Task DisposeAsync() => await Prism.DisposeAsync();
}

/// <summary>
/// 200 calls of each read operation against random schema-valid answers. The SDK must never throw anything but
/// <see cref="ImageServiceException"/>, and what it returns, serialized again, must equal the body it received: no
/// field dropped, no enum value lost. Every fourth answer also gets fields and enum values the spec does not know
/// (a newer service), added by the recording handler before the SDK reads it.
/// </summary>
public sealed class PrismDynamicTests : IClassFixture<PrismDynamicFixture>
{
    private const int CallsPerOperation = 200;
    private const int Workers = 4;
    private static readonly JsonSerializerSettings s_serialize = new() { NullValueHandling = NullValueHandling.Ignore, DateParseHandling = DateParseHandling.DateTimeOffset };
    private readonly PrismDynamicFixture _fixture;

    public PrismDynamicTests(PrismDynamicFixture fixture) => _fixture = fixture;

    public static TheoryData<string> ReadOperations => new() { "GetImage", "ListImagesPage", "GetOperation", "ListProfilesPage", "GetProfile" };

    [Theory]
    [MemberData(nameof(ReadOperations))]
    public async Task ReadOperation_200RandomSchemaValidAnswers_ReturnsEveryFieldAndEnumValue(string operation)
    {
        var failures = new ConcurrentQueue<string>();
        int typedErrors = 0, unknownInjected = 0, calls = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async worker =>
        {
            int injected = 0;
            bool page = operation.EndsWith("Page", StringComparison.Ordinal);
            var recorder = new RecordingHandler
            {
                Rewrite = body => NameTheRequestedResource(Interlocked.Increment(ref injected) % 4 == 0 ? InjectUnknowns(body, page) : body, operation),
            };
            using ClientHost host = ClientHost.Create(
                options =>
                {
                    options.Endpoint = _fixture.Prism.BaseAddress;
                    options.SubscriptionId = "sub";
                    options.ResourceGroup = "rg";
                    options.Workspace = "ws";
                    options.Credential = new StaticTokenCredential("prism-token");
                    options.MaxRetryAttempts = 0;
                },
                handlers: [recorder.Factory]);
            for (int i = worker; i < CallsPerOperation; i += Workers)
            {
                Interlocked.Increment(ref calls);
                object? returned;
                try
                {
                    returned = await CallAsync(host.Client, operation);
                }
                catch (ImageServiceException ex)
                {
                    Interlocked.Increment(ref typedErrors);
                    failures.Enqueue($"ImageServiceException on a schema-valid answer: {ex.Message}\nbody: {recorder.Last?.ResponseBody}");
                    continue;
                }
#pragma warning disable CA1031 // the point: anything but ImageServiceException is a finding
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failures.Enqueue($"{ex.GetType().FullName} escaped the SDK: {ex.Message}\nbody: {recorder.Last?.ResponseBody}");
                    continue;
                }

                RecordedExchange raw = recorder.Last!;
                if (raw.ResponseBody.Contains("x-future-field", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref unknownInjected);
                }

                JToken expected = Parse(raw.ResponseBody);
                JToken actual = Parse(JsonConvert.SerializeObject(returned, s_serialize));
                if (Difference(expected, actual, "$") is { } difference)
                {
                    failures.Enqueue($"{difference}\nreceived: {raw.ResponseBody}\nreturned: {actual.ToString(Formatting.None)}");
                }
            }
        }));

        Figures.Add("contract", "dynamicCalls", calls);
        Figures.Add("contract", "dynamicUnknownsInjected", unknownInjected);
        Figures.Add("contract", "dynamicTypedErrors", typedErrors);
        Figures.Add("contract", "dynamicMismatches", failures.Count);
        Figures.Set("contract", $"dynamic{operation}Seconds", Math.Round(clock.Elapsed.TotalSeconds, 1));
        Assert.True(failures.IsEmpty, $"{failures.Count} of {calls} calls failed; first 3:\n" + string.Join("\n---\n", failures.Take(3)));
        Assert.Equal(CallsPerOperation, calls);
        Assert.True(unknownInjected >= CallsPerOperation / 10, $"only {unknownInjected} answers carried unknown fields");
    }

    private static async Task<object?> CallAsync(ImageServiceClient client, string operation)
    {
        switch (operation)
        {
            case "GetImage":
                return await client.GetImageAsync("img:1");
            case "GetOperation":
                return await client.GetOperationAsync("op-1");
            case "GetProfile":
                return await client.GetProfileAsync("img:1", "profile-1");
            case "ListImagesPage":
                await foreach (ImageServicePage<ImageResponseBase> page in client.ListImagesAsync().AsPages())
                {
                    return new { value = page.Values, nextLink = page.ContinuationToken };
                }

                return null;
            case "ListProfilesPage":
                await foreach (ImageServicePage<ProfileResponse> page in client.ListProfilesAsync("img:1").AsPages())
                {
                    return new { value = page.Values, nextLink = page.ContinuationToken };
                }

                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation));
        }
    }

    /// <summary>
    /// The answer names the resource <see cref="CallAsync"/> asked for, as the service's does: Prism draws the ids at
    /// random too, and the client refuses an answer that names another resource (answer identity).
    /// </summary>
    private static string NameTheRequestedResource(string body, string operation)
    {
        (string Property, string Value)[] names = operation switch
        {
            "GetImage" => [("id", "img:1")],
            "GetOperation" => [("id", "op-1")],
            "GetProfile" => [("name", "profile-1"), ("imageId", "img:1")],
            _ => [],
        };
        if (names.Length == 0 || Parse(body) is not JObject answer)
        {
            return body;
        }

        foreach ((string property, string value) in names)
        {
            if (answer[property] is JValue { Type: JTokenType.String })
            {
                answer[property] = value;
            }
        }

        return answer.ToString(Formatting.None);
    }

    /// <summary>
    /// A newer service: an unknown field in every model object, unknown values in known enums. Not in string maps
    /// (kvTags, properties, correlation: a non-string there breaks the schema) nor on a page envelope (a page exposes
    /// only its values and continuation token).
    /// </summary>
    private static string InjectUnknowns(string body, bool page)
    {
        JToken root = Parse(body);
        foreach (JObject obj in (root is JContainer container ? container.DescendantsAndSelf() : [root]).OfType<JObject>().ToList())
        {
            bool stringMap = obj.Parent is JProperty { Name: "kvTags" or "properties" or "correlation" };
            if (stringMap || (page && ReferenceEquals(obj, root)))
            {
                continue;
            }

            obj["x-future-field"] = new JObject { ["nested"] = new JArray(1, "two", true) };
            foreach (string enumProperty in new[] { "imageFlavor", "creationState", "state", "imageType", "runtimeType", "osType" })
            {
                if (obj[enumProperty] is JValue { Type: JTokenType.String })
                {
                    obj[enumProperty] = "Future" + enumProperty;
                }
            }
        }

        return root.ToString(Formatting.None);
    }

    private static JToken Parse(string json)
    {
        using var reader = new JsonTextReader(new System.IO.StringReader(json)) { DateParseHandling = DateParseHandling.DateTimeOffset, FloatParseHandling = FloatParseHandling.Decimal };
        return JToken.ReadFrom(reader);
    }

    /// <summary>The first place where <paramref name="actual"/> differs from <paramref name="expected"/> (null: none).</summary>
    private static string? Difference(JToken expected, JToken actual, string path)
    {
        switch (expected)
        {
            case JObject e when actual is JObject a:
                foreach (JProperty property in e.Properties())
                {
                    if (property.Value.Type == JTokenType.Null)
                    {
                        continue;
                    }

                    if (a[property.Name] is not { } value)
                    {
                        return $"{path}.{property.Name} was dropped";
                    }

                    if (Difference(property.Value, value, $"{path}.{property.Name}") is { } inner)
                    {
                        return inner;
                    }
                }

                return a.Properties().FirstOrDefault(p => e[p.Name] is null) is { } extra ? $"{path}.{extra.Name} was invented" : null;
            case JArray e when actual is JArray a:
                if (e.Count != a.Count)
                {
                    return $"{path}: {e.Count} items received, {a.Count} returned";
                }

                for (int i = 0; i < e.Count; i++)
                {
                    if (Difference(e[i], a[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JValue e when actual is JValue a:
                return JToken.DeepEquals(e, a) || Numeric(e) == Numeric(a) && Numeric(e) is not null ? null : $"{path}: received {e.ToString(Formatting.None)}, returned {a.ToString(Formatting.None)}";
            default:
                return $"{path}: received a {expected.Type}, returned a {actual.Type}";
        }
    }

    private static decimal? Numeric(JValue value) => value.Type is JTokenType.Integer or JTokenType.Float ? Convert.ToDecimal(value.Value, System.Globalization.CultureInfo.InvariantCulture) : null;
}
