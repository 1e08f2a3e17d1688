using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace ImageService.Emulator.Tests.Contract;

/// <summary>
/// Walks an answer of the emulator against the spec's schema and notes what the real service would do differently:
/// a declared key that is missing (the service sends records whole), or a null where the spec does not allow one.
/// It also notes every declared property it saw with a value, so a test can tell which ones the emulator never fills.
/// Types, formats and enums are Prism's job (the validation proxy test); this is about keys and nulls.
/// </summary>
internal sealed class ResponseShapeChecker(OpenApiSpec spec)
{
    /// <summary>Where to fill a property the emulator leaves out: the mapping from its records to the generated DTOs.</summary>
    public const string EmulatorShapes = "src/ImageService.Emulator/Api/WireJson.cs (WireShapes)";

    /// <summary>The one declared key that may be absent: <c>nextLink</c> on the last page (openapi/images.yaml, info).</summary>
    public const string AbsentOnLastPage = "nextLink";

    private readonly List<string> _problems = [];
    private readonly HashSet<string> _filled = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Every <c>Schema.property</c> seen with a non-null value.</summary>
    public IReadOnlySet<string> Filled => _filled;

    /// <summary>Every <c>Schema.property</c> declared by a schema reachable from <paramref name="roots"/>.</summary>
    public IReadOnlySet<string> Declared(IEnumerable<JsonNode> roots)
    {
        var declared = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<JsonNode>(roots);
        while (pending.Count > 0)
        {
            var shape = spec.Shape(pending.Pop());
            if (shape.Name is not null && !seen.Add(shape.Name))
            {
                continue;
            }

            foreach (var property in shape.Properties)
            {
                declared.Add(property.Key);
                pending.Push(property.Schema);
            }

            foreach (var next in new[] { shape.Items, shape.AdditionalProperties }.OfType<JsonNode>().Concat(shape.DiscriminatorMapping.Values))
            {
                pending.Push(next);
            }
        }

        return declared;
    }

    /// <summary>Checks <paramref name="value"/> against <paramref name="schema"/>; <paramref name="where"/> names the answer in messages.</summary>
    public void Check(JsonNode schema, JsonNode? value, string where)
    {
        var shape = spec.Shape(schema);
        if (value is null)
        {
            if (!shape.Nullable)
            {
                _problems.Add($"{where} is null, but openapi/images.yaml does not declare it nullable: the service sends a value there. Fill it in {EmulatorShapes}.");
            }

            return;
        }

        if (shape.DiscriminatorProperty is { } discriminator && value[discriminator] is JsonValue flavor
            && shape.DiscriminatorMapping.TryGetValue(flavor.GetValue<string>(), out var subtype))
        {
            shape = spec.Shape(subtype);
        }

        if (value is JsonArray array && shape.Items is { } items)
        {
            for (int i = 0; i < array.Count; i++)
            {
                Check(items, array[i], $"{where}[{i}]");
            }

            return;
        }

        if (value is not JsonObject obj)
        {
            return;
        }

        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in shape.Properties)
        {
            declared.Add(property.Name);
            if (!obj.TryGetPropertyValue(property.Name, out var propertyValue))
            {
                if (property.Name != AbsentOnLastPage)
                {
                    _problems.Add($"{where}: {property.Key} is declared in openapi/images.yaml but missing from the emulator's answer (the service sends every key, null when it has no value). Emit it from {EmulatorShapes}.");
                }

                continue;
            }

            if (propertyValue is not null)
            {
                _filled.Add(property.Key);
            }

            Check(property.Schema, propertyValue, $"{where}.{property.Name} ({property.Key})");
        }

        if (shape.AdditionalProperties is { } mapValues)
        {
            foreach (var (key, entry) in obj.Where(p => !declared.Contains(p.Key)))
            {
                Check(mapValues, entry, $"{where}[\"{key}\"]");
            }
        }
    }
}
