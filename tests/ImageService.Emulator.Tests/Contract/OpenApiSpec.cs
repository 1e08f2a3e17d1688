using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ImageService.Emulator.Tests.Contract;

/// <summary>
/// openapi/images.yaml (copied next to the test binaries) as JSON nodes, with what the conformance tests ask of it: the
/// operations and their parameters, the response schema of an answer, and the shape of a schema ($ref, allOf and
/// nullable resolved). Scalars stay strings, as YAML wrote them.
/// </summary>
internal sealed class OpenApiSpec
{
    public const string RelativePath = "openapi/images.yaml";

    private static readonly Lazy<OpenApiSpec> s_instance = new(() => Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "openapi", "images.yaml"))));

    private OpenApiSpec(JsonObject root)
    {
        Root = root;
        Operations = [.. ReadOperations(root)];
    }

    public static OpenApiSpec Instance => s_instance.Value;

    public JsonObject Root { get; }

    public IReadOnlyList<SpecOperation> Operations { get; }

    public JsonObject Schemas => Root["components"]!["schemas"]!.AsObject();

    public static OpenApiSpec Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return new OpenApiSpec((JsonObject)ToJson(stream.Documents[0].RootNode)!);
    }

    /// <summary>The node a local <c>$ref</c> names (or the node itself).</summary>
    public JsonNode Resolve(JsonNode node)
    {
        while (node is JsonObject obj && obj["$ref"]?.GetValue<string>() is { } reference)
        {
            node = reference.TrimStart('#', '/').Split('/').Aggregate((JsonNode)Root, (current, segment) => current[segment]
                ?? throw new InvalidOperationException($"{RelativePath}: unresolved $ref '{reference}'."));
        }

        return node;
    }

    /// <summary>The spec operation that serves <paramref name="method"/> on <paramref name="absolutePath"/>, if any.</summary>
    public SpecOperation? Match(string method, string absolutePath) =>
        Operations.FirstOrDefault(o => o.Method.Equals(method, StringComparison.OrdinalIgnoreCase) && o.PathPattern.IsMatch(absolutePath));

    /// <summary>The JSON schema of an answer with this status (the status's response, else <c>default</c>), or null when it has no body.</summary>
    public JsonNode? ResponseSchema(SpecOperation operation, int status)
    {
        var responses = operation.Node["responses"]!.AsObject();
        var response = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses["default"];
        return response is null ? null : Resolve(response)["content"]?["application/json"]?["schema"];
    }

    /// <summary>The shape of a schema: its name, whether null is allowed, its type, its properties (with the schema that declares each), items and map values.</summary>
    public SchemaShape Shape(JsonNode schema, string? name = null)
    {
        if (schema is JsonObject obj && obj["$ref"]?.GetValue<string>() is { } reference)
        {
            return Shape(Resolve(schema), reference.Split('/')[^1]);
        }

        var node = schema.AsObject();

        // A described reference: OpenAPI 3.0 ignores a description beside $ref, so the spec wraps the $ref in a
        // one-item allOf; its shape (nullability included) is the referenced schema's.
        if (node["allOf"] is JsonArray { Count: 1 } single && node["properties"] is null && node["type"] is null)
        {
            return Shape(single[0]!, name);
        }

        var properties = new List<SchemaProperty>();
        foreach (var part in node["allOf"]?.AsArray() ?? [])
        {
            properties.AddRange(Shape(part!, name).Properties);
        }

        foreach (var (property, propertySchema) in node["properties"]?.AsObject() ?? [])
        {
            properties.Add(new SchemaProperty(name ?? "(inline)", property, propertySchema!));
        }

        var discriminator = node["discriminator"] is JsonObject d
            ? (d["propertyName"]!.GetValue<string>(), (d["mapping"]?.AsObject() ?? []).ToDictionary(m => m.Key, m => (JsonNode)new JsonObject { ["$ref"] = m.Value!.GetValue<string>() }, StringComparer.Ordinal))
            : ((string, Dictionary<string, JsonNode>)?)null;
        return new SchemaShape(
            name,
            node["nullable"]?.GetValue<string>() == "true",
            node["type"]?.GetValue<string>(),
            properties,
            node["items"],
            node["additionalProperties"] as JsonObject,
            discriminator?.Item1,
            discriminator?.Item2 ?? []);
    }

    private static IEnumerable<SpecOperation> ReadOperations(JsonObject root)
    {
        foreach (var (path, item) in root["paths"]!.AsObject())
        {
            var shared = item!["parameters"]?.AsArray() ?? [];
            foreach (var (method, operation) in item.AsObject().Where(p => p.Key is "get" or "put" or "post" or "patch" or "delete"))
            {
                var pattern = new Regex("^" + Regex.Replace(Regex.Escape(path), @"\\\{[^/]+?\}", "[^/]+") + "$", RegexOptions.CultureInvariant);
                yield return new SpecOperation(path, method.ToUpperInvariant(), operation!["operationId"]!.GetValue<string>(), operation.AsObject(),
                    [.. shared.Concat(operation["parameters"]?.AsArray() ?? []).Select(p => p!)], pattern);
            }
        }
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };
}

/// <summary>An operation of the spec: path template, HTTP method, operationId, its node and every parameter (path-level ones included).</summary>
internal sealed record SpecOperation(string Path, string Method, string OperationId, JsonObject Node, IReadOnlyList<JsonNode> Parameters, Regex PathPattern);

/// <summary>A property of a schema and the schema that declares it (its owner, for messages such as <c>ImageResponseBase.imageLocation</c>).</summary>
internal sealed record SchemaProperty(string Owner, string Name, JsonNode Schema)
{
    public string Key => $"{Owner}.{Name}";
}

/// <summary>What <see cref="OpenApiSpec.Shape"/> makes of a schema.</summary>
internal sealed record SchemaShape(
    string? Name,
    bool Nullable,
    string? Type,
    IReadOnlyList<SchemaProperty> Properties,
    JsonNode? Items,
    JsonObject? AdditionalProperties,
    string? DiscriminatorProperty,
    IReadOnlyDictionary<string, JsonNode> DiscriminatorMapping);
