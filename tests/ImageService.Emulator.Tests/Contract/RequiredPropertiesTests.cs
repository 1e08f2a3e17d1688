using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests.Contract;

/// <summary>
/// Every property openapi/images.yaml requires in a request body, read from the spec at test time (so a property the
/// spec makes required is covered with no edit here): a body without it gets the service's 400 naming it, at any depth.
/// </summary>
public sealed class RequiredPropertiesTests
{
    private static OpenApiSpec Spec => OpenApiSpec.Instance;

    [Fact]
    public async Task EveryRequiredRequestProperty_Missing_Returns400NamingIt()
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("required-probe");
        var cases = Spec.Operations
            .Where(o => o.Node["requestBody"] is not null)
            .Select(o => (Operation: o, Schema: Spec.Resolve(o.Node["requestBody"]!)["content"]?["application/json"]?["schema"]))
            .Where(c => c.Schema is not null && Spec.Shape(c.Schema).Type != "array")
            .SelectMany(c => RequiredPaths(c.Schema!, null, []).Select(path => (c.Operation, c.Schema, Path: path)))
            .ToList();
        Assert.NotEmpty(cases);

        var failures = new List<string>();
        foreach (var (operation, schema, path) in cases)
        {
            JsonObject body = Minimal(schema!, []);
            Remove(body, path);
            string url = operation.Path[(operation.Path.IndexOf("{workspace}/", StringComparison.Ordinal) + "{workspace}/".Length)..]
                .Replace("{imageId}", "required-probe:1", StringComparison.Ordinal).Replace("{id}", "required-probe:1", StringComparison.Ordinal);
            using var response = await h.Http.SendAsync(new HttpRequestMessage(new HttpMethod(operation.Method), url) { Content = Harness.Json(body.ToJsonString()) });
            string text = await response.Content.ReadAsStringAsync();
            string? target = response.StatusCode == HttpStatusCode.BadRequest ? JsonNode.Parse(text)?["details"]?[0]?["target"]?.GetValue<string>() : null;
            if (target != path)
            {
                failures.Add($"{operation.OperationId} without '{path}' ({body.ToJsonString()}): {(int)response.StatusCode} {text}");
            }
        }

        Assert.True(failures.Count == 0, "The emulator must refuse a request without a property the spec requires, with a 400 naming it "
            + "(src/ImageService.Emulator/Api/RequiredPropertiesFilter.cs):\n" + string.Join("\n", failures));
    }

    /// <summary>The paths of the required properties of a schema, and of those of its object properties (present or not).</summary>
    private static IEnumerable<string> RequiredPaths(JsonNode schema, string? prefix, HashSet<string> seen)
    {
        var shape = Spec.Shape(schema);
        if (shape.Name is { } name && !seen.Add(name))
        {
            yield break;
        }

        var required = Required(schema);
        foreach (var property in shape.Properties)
        {
            string path = prefix is null ? property.Name : $"{prefix}.{property.Name}";
            if (required.Contains(property.Name))
            {
                yield return path;
            }

            if (Spec.Shape(property.Schema).Type is "object" or null && Spec.Shape(property.Schema).Properties.Count > 0)
            {
                foreach (string nested in RequiredPaths(property.Schema, path, [.. seen]))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>A body with every required property and every object property that has required ones, filled with values of the schema's types.</summary>
    private static JsonObject Minimal(JsonNode schema, HashSet<string> seen)
    {
        var shape = Spec.Shape(schema);
        var body = new JsonObject();
        if (shape.Name is { } name && !seen.Add(name))
        {
            return body;
        }

        var required = Required(schema);
        foreach (var property in shape.Properties)
        {
            var propertyShape = Spec.Shape(property.Schema);
            bool hasRequired = propertyShape.Properties.Count > 0 && RequiredPaths(property.Schema, null, [.. seen]).Any();
            if (required.Contains(property.Name) || hasRequired)
            {
                body[property.Name] = propertyShape.Properties.Count > 0 ? Minimal(property.Schema, [.. seen]) : Value(property.Schema);
            }
        }

        return body;
    }

    private static JsonNode Value(JsonNode schema)
    {
        var resolved = Spec.Resolve(schema);
        if (resolved["allOf"] is JsonArray { Count: 1 } single)
        {
            return Value(single[0]!);
        }

        if (resolved["enum"] is JsonArray values)
        {
            return JsonValue.Create(values[0]!.GetValue<string>());
        }

        return Spec.Shape(schema).Type switch
        {
            "integer" or "number" => JsonValue.Create(1),
            "boolean" => JsonValue.Create(false),
            "array" => new JsonArray(),
            "object" => new JsonObject(),
            _ => JsonValue.Create("required-probe"),
        };
    }

    /// <summary>The names a schema requires, its allOf parts' included.</summary>
    private static HashSet<string> Required(JsonNode schema)
    {
        var node = Spec.Resolve(schema);
        var names = new HashSet<string>((node["required"] as JsonArray ?? []).Select(n => n!.GetValue<string>()), StringComparer.Ordinal);
        foreach (var part in node["allOf"] as JsonArray ?? [])
        {
            names.UnionWith(Required(part!));
        }

        return names;
    }

    private static void Remove(JsonObject body, string path)
    {
        string[] parts = path.Split('.');
        JsonObject parent = parts[..^1].Aggregate(body, (current, part) => current[part]!.AsObject());
        parent.Remove(parts[^1]);
    }
}
