using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Newtonsoft.Json;
using YamlDotNet.RepresentationModel;

namespace ImageService.Client.Tests.Models;

/// <summary>The spec and the generated class against the seed record, ../shared/reference/ImageResponseBase.md.</summary>
public class SeedRecordTests
{
    /// <summary>The 18 seed properties: wire name, the spec's type (a type/format or a $ref), the C# type.</summary>
    public static TheoryData<string, string, Type> SeedProperties => new()
    {
        { "autoDelete", "boolean", typeof(bool?) },
        { "createdTime", "string/date-time", typeof(DateTimeOffset?) },
        { "creationState", "$AsyncOperationState", typeof(AsyncOperationState?) },
        { "description", "string", typeof(string) },
        { "error", "$ModelErrorResponse", typeof(ModelErrorResponse) },
        { "id", "string", typeof(string) },
        { "imageBuildLogUri", "string", typeof(string) },
        { "imageFlavor", "$ImageFlavor", typeof(ImageFlavor?) },
        { "imageLocation", "string", typeof(string) },
        { "imageType", "$ImageType", typeof(ImageType?) },
        { "kvTags", "object<string>", typeof(IDictionary<string, string>) },
        { "modelDetails", "array<$Model>", typeof(IList<Model>) },
        { "modelIds", "array<string>", typeof(IList<string>) },
        { "modifiedTime", "string/date-time", typeof(DateTimeOffset?) },
        { "name", "string", typeof(string) },
        { "operationId", "string", typeof(string) },
        { "properties", "object<string>", typeof(IDictionary<string, string>) },
        { "version", "integer/int64", typeof(long?) },
    };

    private static readonly Lazy<YamlMappingNode> s_schemas = new(() =>
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "openapi", "images.yaml")))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return (YamlMappingNode)((YamlMappingNode)root["components"])["schemas"];
    });

    [Theory]
    [MemberData(nameof(SeedProperties))]
    public void GeneratedClass_SeedProperty_HasSeedType(string wireName, string specType, Type clrType)
    {
        _ = specType;
        PropertyInfo? property = typeof(ImageResponseBase)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .SingleOrDefault(p => p.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName == wireName);

        Assert.NotNull(property);
        Assert.Equal(clrType, property.PropertyType);
        Assert.True(property.CanRead && property.CanWrite, $"{wireName} must be readable and writable");
    }

    [Fact]
    public void GeneratedClass_WireProperties_AreExactlyTheSeed()
    {
        IEnumerable<string> wireNames = typeof(ImageResponseBase)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

        Assert.Equal(SeedProperties.Select(row => (string)row[0]).Order(StringComparer.Ordinal), wireNames);
    }

    [Theory]
    [MemberData(nameof(SeedProperties))]
    public void Spec_SeedProperty_HasSeedType(string wireName, string specType, Type clrType)
    {
        _ = clrType;
        var properties = (YamlMappingNode)((YamlMappingNode)s_schemas.Value["ImageResponseBase"])["properties"];

        Assert.True(properties.Children.ContainsKey(wireName), $"The spec's ImageResponseBase lacks {wireName}");
        Assert.Equal(specType, Describe((YamlMappingNode)properties[wireName]));
    }

    [Fact]
    public void Spec_ImageResponseBase_HasEighteenPropertiesAndFlavorDiscriminator()
    {
        var schema = (YamlMappingNode)s_schemas.Value["ImageResponseBase"];

        Assert.Equal(18, ((YamlMappingNode)schema["properties"]).Children.Count);
        Assert.Contains("imageFlavor", ((YamlSequenceNode)schema["required"]).Select(n => n.ToString()));
        Assert.Equal("imageFlavor", ((YamlMappingNode)schema["discriminator"])["propertyName"].ToString());
    }

    [Theory]
    [InlineData("ImageFlavor", "WebApiContainer,BatchContainer,IoTContainer,AccelContainer,UserProvidedContainer")]
    [InlineData("ImageType", "Docker")]
    [InlineData("AsyncOperationState", "NotStarted,Running,Cancelled,Succeeded,Failed,TimedOut")]
    public void Spec_NamedEnum_HasSeedValues(string schemaName, string values)
    {
        var schema = (YamlMappingNode)s_schemas.Value[schemaName];

        Assert.Equal(values.Split(','), ((YamlSequenceNode)schema["enum"]).Select(n => n.ToString()));
    }

    private static string Describe(YamlMappingNode schema)
    {
        if (schema.Children.TryGetValue("$ref", out YamlNode? reference))
        {
            return "$" + reference.ToString().Split('/')[^1];
        }

        // A described reference: OpenAPI 3.0 ignores a description beside $ref, so it wraps the $ref in a one-item allOf.
        if (schema.Children.TryGetValue("allOf", out YamlNode? allOf) && allOf is YamlSequenceNode { Children.Count: 1 } single)
        {
            return Describe((YamlMappingNode)single[0]);
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
}
