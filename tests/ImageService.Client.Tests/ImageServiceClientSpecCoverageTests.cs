using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;
using ImageService.Client.Tests.TestSupport;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;

namespace ImageService.Client.Tests;

/// <summary>
/// Every operation and every parameter of openapi/images.yaml is reachable through the public API: each operation is
/// called through its facade method with every input the public API offers set (every public property of the options
/// types generated from the spec, <see cref="ImageListOptions"/>, <see cref="ImageGetOptions"/> and
/// <see cref="ProfileListOptions"/>, found by reflection, so an option generated from a new spec parameter is covered
/// without an edit here), and the requests that reach the wire must carry every parameter the spec declares. A
/// parameter that is not sent fails the test with its operation and the file to edit; the parameters left out on
/// purpose are listed with their reason (the options types' attributes and <see cref="NotExposed"/> below).
/// </summary>
public sealed class ImageServiceClientSpecCoverageTests
{
    private const string FacadeFile = "src/ImageService.Client/ImageServiceClient.cs";

    /// <summary>The options types generated from an operation's parameters ([GeneratedQueryOptions]), by operation.</summary>
    private static readonly Dictionary<string, Type> OptionsTypes = new(StringComparer.Ordinal)
    {
        ["Images_ListQuery"] = typeof(ImageListOptions),
        ["Images_QueryById"] = typeof(ImageGetOptions),
        ["Profiles_ListQuery"] = typeof(ProfileListOptions),
    };

    private readonly ITestOutputHelper _output;

    public ImageServiceClientSpecCoverageTests(ITestOutputHelper output) => _output = output;

    /// <summary>How the public API calls each operation of the spec, with every input it offers set.</summary>
    private static readonly Dictionary<string, (string Facade, Func<ImageServiceClient, Task> Call)> Calls = new(StringComparer.Ordinal)
    {
        ["Images_ListQuery"] = ("ListImagesAsync(ImageListOptions)", async client =>
        {
            await foreach (ImageServicePage<ImageResponseBase> _ in client.ListImagesAsync(EveryOptionSet<ImageListOptions>()).AsPages())
            {
            }
        }),
        ["Images_Create"] = ("StartCreateImageAsync", client =>
            client.StartCreateImageAsync(new DockerImageRequest { Name = "coverage", ImageFlavor = ImageFlavor.WebApiContainer })),
        ["Images_QueryById"] = ("GetImageAsync(ImageGetOptions)", client => client.GetImageAsync("coverage:1", EveryOptionSet<ImageGetOptions>())),
        ["Images_Patch"] = ("UpdateImageAsync", client => client.UpdateImageAsync("coverage:1", new ImagePatch().ReplaceDescription("d"))),
        ["Images_Delete"] = ("DeleteImageAsync", client => client.DeleteImageAsync("coverage:1")),
        ["Operations_Get"] = ("GetOperationAsync", client => client.GetOperationAsync("op-1")),
        ["Profiles_ListQuery"] = ("ListProfilesAsync(ProfileListOptions)", async client =>
        {
            await foreach (ImageServicePage<ProfileResponse> _ in client.ListProfilesAsync("coverage:1", EveryOptionSet<ProfileListOptions>()).AsPages())
            {
            }
        }),
        ["Profiles_Create"] = ("StartCreateProfileAsync", client => client.StartCreateProfileAsync("coverage:1", new ProfileRequestBase { Name = "p" })),
        ["Profiles_QueryById"] = ("GetProfileAsync", client => client.GetProfileAsync("coverage:1", "p")),
    };

    /// <summary>
    /// Parameters of hand-written facade methods that the public API does not pass, each with the reason. (Those of
    /// the generated options types are on the types themselves, as [QueryParameterNotExposed].) A row here is either a
    /// decision (the reason says why) or a known gap (the reason says so): expose the parameter, then delete the row.
    /// </summary>
    private static readonly Dictionary<(string Operation, string Parameter), string> NotExposed = new();

    [Fact]
    public async Task EveryOperation_EveryParameter_IsSentByThePublicApi()
    {
        IReadOnlyList<CoveredOperation> operations = CoveredOperation.ReadAll();
        Dictionary<(string, string), string> notExposed = OptionsNotExposed().Concat(NotExposed).ToDictionary(p => p.Key, p => p.Value);
        var failures = new List<string>();

        foreach (CoveredOperation operation in operations)
        {
            if (!Calls.TryGetValue(operation.Id, out var call))
            {
                failures.Add($"{operation.Id} ({operation.Method} {operation.Path}) has no public method: add one to {FacadeFile} and a row to Calls in {nameof(ImageServiceClientSpecCoverageTests)}.");
                continue;
            }

            var clients = new TestClients();
            TestHandlerStub stub = clients.Stub((request, _) => Respond(request));
            await call.Call(clients.Create(stub));
            TransportRequest[] sent = stub.Requests.Where(r => r.Method.Method == operation.Method && operation.PathPattern.IsMatch(Uri.UnescapeDataString(r.Uri.AbsolutePath))).ToArray();
            if (sent.Length == 0)
            {
                failures.Add($"{operation.Id}: {call.Facade} sent no {operation.Method} {operation.Path} request. Edit {FacadeFile}.");
                continue;
            }

            foreach (SpecParameter parameter in operation.Parameters)
            {
                if (notExposed.TryGetValue((operation.Id, parameter.Name), out string? reason))
                {
                    _output.WriteLine($"not exposed: {operation.Id} {parameter.In} parameter '{parameter.Name}': {reason}");
                    continue;
                }

                if (!sent.Any(parameter.IsIn))
                {
                    string edit = OptionsTypes.TryGetValue(operation.Id, out Type? options)
                        ? $"{OptionsFile(options)}: optional parameters become {options.Name} properties on the next build; a value that needs formatting needs a [QueryParameter] member, and one left out on purpose a [QueryParameterNotExposed] with the reason. If the property exists, {FacadeFile} ({call.Facade}) must call {options.Name}.InvokeAsync"
                        : $"{FacadeFile} ({call.Facade}), or list it in NotExposed of {nameof(ImageServiceClientSpecCoverageTests)} with the reason";
                    failures.Add($"{operation.Id}: the {parameter.In} parameter '{parameter.Name}' is never sent through {call.Facade}. Edit {edit}.");
                }
            }

            if (operation.HasBody && !sent.Any(r => !string.IsNullOrEmpty(r.Body)))
            {
                failures.Add($"{operation.Id}: the request body is never sent through {call.Facade}. Edit {FacadeFile}.");
            }
        }

        foreach ((string op, string parameter) in notExposed.Keys)
        {
            if (!operations.Any(o => o.Id == op && o.Parameters.Any(p => p.Name == parameter)))
            {
                failures.Add($"'{parameter}' of {op} is listed as not exposed, but the spec has no such parameter any more: remove the entry ({(OptionsTypes.TryGetValue(op, out Type? options) ? OptionsFile(options) : nameof(NotExposed) + " in " + nameof(ImageServiceClientSpecCoverageTests))}).");
            }
        }

        Assert.True(failures.Count == 0, "Not reachable through the public API:\n" + string.Join("\n", failures));
    }

    [Theory]
    [InlineData("Images_ListQuery", "Name,OrderBy")]
    [InlineData("Images_QueryById", "Expand")]
    [InlineData("Profiles_ListQuery", "Name,Description,OrderBy")]
    public void GeneratedOptions_EveryGeneratedProperty_CarriesTheSpecDescription(string operationId, string mustBeGenerated)
    {
        // The options generated from an operation's parameters are documented with the spec's words (Markdown `code` as <c>).
        CoveredOperation list = CoveredOperation.ReadAll().Single(o => o.Id == operationId);
        Type options = OptionsTypes[operationId];
        XDocument docs = XDocument.Load(Path.Combine(AppContext.BaseDirectory, "ImageService.Client.xml"));
        var checkedFilters = new List<string>();
        foreach (SpecParameter parameter in list.Parameters.Where(p => p.In == "query"))
        {
            string property = char.ToUpperInvariant(parameter.Name[0]) + parameter.Name[1..];
            XElement? member = docs.Descendants("member").SingleOrDefault(m => (string?)m.Attribute("name") == $"P:{options.FullName}.{property}");
            if (member?.Element("remarks")?.Value.Contains("Generated from the", StringComparison.Ordinal) != true)
            {
                continue; // hand-written (Tags, Properties, PageSize) or not exposed
            }

            string expected = Regex.Replace(string.Join(' ', parameter.Description.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), "`([^`]*)`", "<c>$1</c>");
            string actual = string.Concat(member.Element("summary")!.Nodes().Select(n => n.ToString(SaveOptions.DisableFormatting))).Trim();
            Assert.Equal(expected, actual);
            checkedFilters.Add(property);
        }

        Assert.Empty(mustBeGenerated.Split(',').Except(checkedFilters));
    }

    /// <summary>An options object with every public property set, whatever the spec made of it.</summary>
    private static T EveryOptionSet<T>()
        where T : new()
    {
        var options = new T();
        foreach (PropertyInfo property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.PropertyType == typeof(IDictionary<string, string?>))
            {
                ((IDictionary<string, string?>)property.GetValue(options)!)["k-" + property.Name] = "v";
            }
            else if (property.SetMethod is not null)
            {
                property.SetValue(options, SampleValue(property));
            }
        }

        return options;
    }

    private static object SampleValue(PropertyInfo property)
    {
        Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (type == typeof(string)) return "v-" + property.Name;
        if (type == typeof(bool)) return true;
        if (type == typeof(int)) return 3;
        if (type == typeof(long)) return 3L;
        if (type == typeof(double)) return 1.5;
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        if (type == typeof(Guid)) return Guid.Parse("00000000-0000-4000-8000-000000000001");

        // The SDK's extensible enums: any known value.
        if (type.GetProperty("KnownValues", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is System.Collections.IEnumerable known)
        {
            return known.Cast<object>().First();
        }

        throw new InvalidOperationException(
            $"{property.DeclaringType!.Name}.{property.Name} is of type {type}, for which this test has no sample value: add one to SampleValue in {nameof(ImageServiceClientSpecCoverageTests)}.");
    }

    private static string OptionsFile(Type options) => $"src/ImageService.Client/{options.Name}.cs";

    private static IEnumerable<KeyValuePair<(string, string), string>> OptionsNotExposed() =>
        OptionsTypes.SelectMany(options => options.Value.GetCustomAttributes(inherit: false)
            .Where(a => a.GetType().Name == "QueryParameterNotExposedAttribute")
            .Select(a => new KeyValuePair<(string, string), string>(
                (options.Key, (string)a.GetType().GetProperty("Name")!.GetValue(a)!),
                (string)a.GetType().GetProperty("Reason")!.GetValue(a)!)));

    private static HttpResponseMessage Respond(HttpRequestMessage request)
    {
        string path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Post)
        {
            return TestHandlerStub.Status(HttpStatusCode.Accepted, ("Operation-Location", TestClients.Endpoint + TestClients.Workspace.TrimStart('/') + "/operations/op-1"));
        }

        if (request.Method == HttpMethod.Delete)
        {
            return TestHandlerStub.Status(HttpStatusCode.OK);
        }

        if (path.EndsWith("/images", StringComparison.Ordinal) || path.EndsWith("/profiles", StringComparison.Ordinal))
        {
            return TestHandlerStub.Json(HttpStatusCode.OK, """{"value":[]}""");
        }

        if (path.Contains("/operations/", StringComparison.Ordinal))
        {
            return TestHandlerStub.Json(HttpStatusCode.OK, """{"id":"op-1","state":"Running"}""");
        }

        return path.Contains("/profiles/", StringComparison.Ordinal)
            ? TestHandlerStub.Json(HttpStatusCode.OK, """{"name":"p","imageId":"coverage:1"}""")
            : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson("coverage:1"));
    }

    private sealed record SpecParameter(string Name, string In, string Description)
    {
        public bool IsIn(TransportRequest request) => In switch
        {
            "query" => request.Uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Any(pair => Uri.UnescapeDataString(pair.Split('=')[0]) == Name),
            "header" => request.Header(Name) is not null,

            // The path pattern matched, so every path parameter was filled in.
            "path" => true,
            _ => false,
        };
    }

    private sealed record CoveredOperation(string Id, string Method, string Path, Regex PathPattern, IReadOnlyList<SpecParameter> Parameters, bool HasBody)
    {
        public static IReadOnlyList<CoveredOperation> ReadAll()
        {
            YamlMappingNode root = SpecDocument.Root;
            var componentParameters = (YamlMappingNode)SpecDocument.Components["parameters"];
            SpecParameter Read(YamlNode node)
            {
                var map = (YamlMappingNode)node;
                if (map.Children.TryGetValue("$ref", out YamlNode? reference))
                {
                    map = (YamlMappingNode)componentParameters[reference.ToString().Split('/')[^1]];
                }

                return new SpecParameter(map["name"].ToString(), map["in"].ToString(),
                    map.Children.TryGetValue("description", out YamlNode? description) ? description.ToString() : string.Empty);
            }

            var operations = new List<CoveredOperation>();
            foreach ((YamlNode pathKey, YamlNode pathNode) in (YamlMappingNode)root["paths"])
            {
                var pathItem = (YamlMappingNode)pathNode;
                List<SpecParameter> shared = pathItem.Children.TryGetValue("parameters", out YamlNode? common)
                    ? ((YamlSequenceNode)common).Select(Read).ToList()
                    : [];
                string path = pathKey.ToString();
                var pattern = new Regex("^" + Regex.Replace(Regex.Escape(path), @"\\\{[^}]+}", "[^/]+") + "$");
                foreach ((YamlNode methodKey, YamlNode operationNode) in pathItem)
                {
                    string method = methodKey.ToString();
                    if (method is "parameters" or "summary" or "description" or "servers")
                    {
                        continue;
                    }

                    var operation = (YamlMappingNode)operationNode;
                    List<SpecParameter> own = operation.Children.TryGetValue("parameters", out YamlNode? list)
                        ? ((YamlSequenceNode)list).Select(Read).ToList()
                        : [];
                    List<SpecParameter> all = [.. own, .. shared.Where(s => !own.Any(o => o.Name == s.Name && o.In == s.In))];
                    operations.Add(new CoveredOperation(
                        operation["operationId"].ToString(), method.ToUpperInvariant(), path, pattern, all, operation.Children.ContainsKey("requestBody")));
                }
            }

            return operations;
        }
    }
}
