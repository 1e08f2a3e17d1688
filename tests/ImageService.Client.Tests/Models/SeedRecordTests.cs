using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using ImageService.Client.Tests.TestSupport;
using Newtonsoft.Json;
using YamlDotNet.RepresentationModel;

namespace ImageService.Client.Tests.Models;

/// <summary>
/// ImageResponseBase: the generated class against the spec, and the spec against the seed record. The generated class
/// must follow whatever openapi/images.yaml says (every expectation is read from it), so adding a property or an enum
/// value breaks no test here. The seed facts are what the service's first published record of an image said; they
/// are listed in one place, <see cref="SeedProperties"/>, <see cref="SeedEnums"/> and the discriminator test, and the
/// spec may add to them, but a spec that drops, renames or retypes one is a breaking change: update the list here too.
/// </summary>
public class SeedRecordTests
{
    /// <summary>Seed fact: the 18 properties of the seed record, with the spec type each had (a type/format or a $ref).</summary>
    public static TheoryData<string, string> SeedProperties => new()
    {
        { "autoDelete", "boolean" },
        { "createdTime", "string/date-time" },
        { "creationState", "$AsyncOperationState" },
        { "description", "string" },
        { "error", "$ModelErrorResponse" },
        { "id", "string" },
        { "imageBuildLogUri", "string" },
        { "imageFlavor", "$ImageFlavor" },
        { "imageLocation", "string" },
        { "imageType", "$ImageType" },
        { "kvTags", "object<string>" },
        { "modelDetails", "array<$Model>" },
        { "modelIds", "array<string>" },
        { "modifiedTime", "string/date-time" },
        { "name", "string" },
        { "operationId", "string" },
        { "properties", "object<string>" },
        { "version", "integer/int64" },
    };

    /// <summary>Seed fact: the enum values of the seed record (the spec may add values; these must stay).</summary>
    public static TheoryData<string, string> SeedEnums => new()
    {
        { "ImageFlavor", "WebApiContainer,BatchContainer,IoTContainer,AccelContainer,UserProvidedContainer" },
        { "ImageType", "Docker" },
        { "AsyncOperationState", "NotStarted,Running,Cancelled,Succeeded,Failed,TimedOut" },
    };

    private static YamlMappingNode SpecProperties => (YamlMappingNode)((YamlMappingNode)SpecDocument.Schemas["ImageResponseBase"])["properties"];

    [Fact]
    public void GeneratedClass_WireProperties_AreExactlyTheSpecs()
    {
        IEnumerable<string> wireNames = WireProperties().Keys.Order(StringComparer.Ordinal);

        Assert.Equal(SpecProperties.Children.Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal), wireNames);
    }

    [Fact]
    public void GeneratedClass_EveryProperty_HasTheSpecsType()
    {
        Dictionary<string, PropertyInfo> properties = WireProperties();
        foreach ((YamlNode name, YamlNode schema) in SpecProperties)
        {
            PropertyInfo property = properties[name.ToString()];
            Type expected = ClrType((YamlMappingNode)schema);

            // Nullability of value types is the generator's choice (optional properties are nullable); the type is the spec's.
            Assert.True(expected == (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType), $"{name}: the spec says {Describe((YamlMappingNode)schema)}, so {expected}; the class has {property.PropertyType}");
            Assert.True(property.CanRead && property.CanWrite, $"{name} must be readable and writable");
        }
    }

    [Theory]
    [MemberData(nameof(SeedProperties))]
    public void Spec_SeedProperty_KeepsItsSeedType(string wireName, string seedType)
    {
        Assert.True(SpecProperties.Children.ContainsKey(wireName),
            $"The spec's ImageResponseBase no longer has the seed property '{wireName}'. Removing or renaming it is a breaking change (MAJOR): if the service really did, remove the row from {nameof(SeedProperties)} in {nameof(SeedRecordTests)}.");
        Assert.Equal(seedType, Describe((YamlMappingNode)SpecProperties[wireName]));
    }

    [Fact]
    public void Spec_ImageResponseBase_FlavorIsTheRequiredDiscriminator()
    {
        // Seed fact: imageFlavor is the only required property and selects the subtype.
        var schema = (YamlMappingNode)SpecDocument.Schemas["ImageResponseBase"];

        Assert.Contains("imageFlavor", ((YamlSequenceNode)schema["required"]).Select(n => n.ToString()));
        Assert.Equal("imageFlavor", ((YamlMappingNode)schema["discriminator"])["propertyName"].ToString());
    }

    [Theory]
    [MemberData(nameof(SeedEnums))]
    public void Spec_SeedEnum_KeepsItsSeedValues(string schemaName, string values)
    {
        string[] spec = ((YamlSequenceNode)((YamlMappingNode)SpecDocument.Schemas[schemaName])["enum"]).Select(n => n.ToString()).ToArray();

        Assert.All(values.Split(','), value => Assert.Contains(value, spec));
    }

    private static Dictionary<string, PropertyInfo> WireProperties() =>
        typeof(ImageResponseBase)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName is not null)
            .ToDictionary(p => p.GetCustomAttribute<JsonPropertyAttribute>()!.PropertyName!, StringComparer.Ordinal);

    /// <summary>The C# type NSwag makes of a spec schema (nullability aside), by this repo's nswag.json settings.</summary>
    private static Type ClrType(YamlMappingNode schema)
    {
        schema = Unwrap(schema);
        if (schema.Children.TryGetValue("$ref", out YamlNode? reference))
        {
            string name = reference.ToString().Split('/')[^1];
            return typeof(ImageResponseBase).Assembly.GetType("ImageService.Client." + name)
                ?? throw new InvalidOperationException($"The spec's schema {name} has no generated type.");
        }

        string type = schema["type"].ToString();
        string? format = schema.Children.TryGetValue("format", out YamlNode? f) ? f.ToString() : null;
        return (type, format) switch
        {
            ("array", _) => typeof(IList<>).MakeGenericType(ClrType((YamlMappingNode)schema["items"])),
            ("object", _) => typeof(IDictionary<,>).MakeGenericType(typeof(string), ClrType((YamlMappingNode)schema["additionalProperties"])),
            ("string", "date-time") => typeof(DateTimeOffset),
            ("string", _) => typeof(string),
            ("boolean", _) => typeof(bool),
            ("integer", "int64") => typeof(long),
            ("integer", _) => typeof(int),
            ("number", "float") => typeof(float),
            ("number", _) => typeof(double),
            _ => throw new InvalidOperationException($"No C# type known for the spec type {type}/{format}: add it to {nameof(ClrType)}."),
        };
    }

    private static string Describe(YamlMappingNode schema)
    {
        schema = Unwrap(schema);
        if (schema.Children.TryGetValue("$ref", out YamlNode? reference))
        {
            return "$" + reference.ToString().Split('/')[^1];
        }

        string type = schema["type"].ToString();
        return type switch
        {
            "array" => $"array<{Describe((YamlMappingNode)schema["items"])}>",
            "object" => $"object<{Describe((YamlMappingNode)schema["additionalProperties"])}>",
            _ when schema.Children.TryGetValue("format", out YamlNode? format) => $"{type}/{format}",
            _ => type,
        };
    }

    /// <summary>A described reference: OpenAPI 3.0 ignores a description beside <c>$ref</c>, so the spec wraps the <c>$ref</c> in a one-item <c>allOf</c>.</summary>
    private static YamlMappingNode Unwrap(YamlMappingNode schema) =>
        schema.Children.TryGetValue("allOf", out YamlNode? allOf) && allOf is YamlSequenceNode { Children.Count: 1 } single
            ? (YamlMappingNode)single[0]
            : schema;
}
