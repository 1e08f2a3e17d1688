using System;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ImageService.Client.Tests.Models;

/// <summary>
/// The converter streams: it buffers only the properties before the discriminator. Wherever the discriminator sits,
/// the result must equal what the whole object says.
/// </summary>
public class JsonInheritanceConverterStreamingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(-1)]
    public void Deserialize_DiscriminatorAnywhere_ReadsEveryField(int position)
    {
        var source = JObject.Parse(ModelJson.DockerImage);
        JProperty flavor = source.Property("imageFlavor")!;
        flavor.Remove();
        var properties = source.Properties().ToList();
        properties.Insert(position < 0 ? properties.Count : position, flavor);
        string json = new JObject(properties).ToString(Formatting.None);

        var image = Assert.IsType<DockerImageResponse>(ModelJson.Read<ImageResponseBase>(json));

        Assert.Equal(ImageFlavor.WebApiContainer, image.ImageFlavor);
        Assert.Equal(4294967299, image.Version);
        Assert.Equal("driver", image.DriverProgram);
        Assert.Equal("sklearn-model", Assert.Single(image.ModelDetails!).Name);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 15, 30, 123, TimeSpan.FromHours(1)), image.CreatedTime);
        Assert.Equal("Amd64", image.TargetRuntime!.TargetArchitecture.ToString());
        Assert.Equal("abc123", image.Properties!["azureml.git.commit"]);
    }

    [Fact]
    public void Deserialize_PageWithDiscriminatorMidObject_LeavesTheReaderAfterEachItem()
    {
        string item = ModelJson.DockerImage;
        string json = $$"""{ "value": [ {{item}}, {"imageFlavor":"AccelContainer","name":"fpga"}, {"name":"no-flavor","modelIds":["a"]}, {{item}} ], "nextLink": "https://host/next" }""";

        PaginatedImageList page = ModelJson.Read<PaginatedImageList>(json);

        Assert.Collection(
            page.Value!,
            i => Assert.IsType<DockerImageResponse>(i),
            i => Assert.Equal("fpga", Assert.IsType<FPGADockerImageResponse>(i).Name),
            i => Assert.Equal("a", Assert.Single(Assert.IsType<ImageResponseBase>(i).ModelIds!)),
            i => Assert.IsType<DockerImageResponse>(i));
        Assert.Equal("https://host/next", page.NextLink);
    }

    [Fact]
    public void Deserialize_DateLikeStringAfterDiscriminator_KeepsItsText()
    {
        string json = """{"imageFlavor":"WebApiContainer","description":"2026-03-02T10:15:30+01:00","driverProgram":"2026-03-02"}""";

        var image = Assert.IsType<DockerImageResponse>(ModelJson.Read<ImageResponseBase>(json));

        Assert.Equal("2026-03-02T10:15:30+01:00", image.Description);
        Assert.Equal("2026-03-02", image.DriverProgram);
    }

    [Fact]
    public void Deserialize_UnknownPropertiesOnBothSidesOfTheDiscriminator_AreKept()
    {
        string json = """{"before":{"a":[1,2]},"imageFlavor":"WebApiContainer","after":"x","name":"n"}""";

        var image = Assert.IsType<DockerImageResponse>(ModelJson.Read<ImageResponseBase>(json));

        Assert.Equal("n", image.Name);
        Assert.Equal(2, ((JArray)((JObject)image.AdditionalProperties["before"])["a"]!).Count);
        Assert.Equal("x", image.AdditionalProperties["after"]?.ToString());
    }

    [Fact]
    public void Deserialize_TruncatedAfterDiscriminator_ThrowsJsonException()
    {
        string json = """{"imageFlavor":"WebApiContainer","name":"n",""";

        Assert.ThrowsAny<JsonException>(() => ModelJson.Read<ImageResponseBase>(json));
    }

    [Fact]
    public void Deserialize_BadValueAfterDiscriminator_ErrorNamesTheFullPath()
    {
        string json = """{"value":[{"name":"a","imageFlavor":"WebApiContainer","version":"not-a-number"}]}""";

        JsonException error = Assert.ThrowsAny<JsonException>(() => ModelJson.Read<PaginatedImageList>(json));

        Assert.Contains("value[0].version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_NestedObjectsAfterDiscriminator_ResumeTheOuterObjectAtTheRightDepth()
    {
        string json = """{"imageFlavor":"WebApiContainer","targetRuntime":{"properties":{"a":"1"},"osType":"Linux"},"kvTags":{"k":"v"},"name":"n"}""";

        var image = Assert.IsType<DockerImageResponse>(ModelJson.Read<ImageResponseBase>(json));

        Assert.Equal("1", image.TargetRuntime!.Properties!["a"]);
        Assert.Equal("v", image.KvTags!["k"]);
        Assert.Equal("n", image.Name);
    }
}
