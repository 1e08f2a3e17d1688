using System;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace ImageService.Client.Tests.Models;

public class ImageResponseBaseTests
{
    [Fact]
    public void Deserialize_RealisticDockerBody_ReadsEverySeedField()
    {
        ImageResponseBase image = ModelJson.Read<ImageResponseBase>(ModelJson.DockerImage);

        Assert.True(image.AutoDelete);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 15, 30, 123, TimeSpan.FromHours(1)), image.CreatedTime);
        Assert.Equal(TimeSpan.FromHours(1), image.CreatedTime!.Value.Offset);
        Assert.Equal(AsyncOperationState.Succeeded, image.CreationState);
        Assert.Equal("Scores loan applications", image.Description);
        Assert.Equal("None", image.Error!.Code);
        Assert.Equal(200, image.Error.StatusCode);
        Assert.Equal("c", Assert.Single(image.Error.Details!).Target);
        Assert.Equal("loan-scorer:4294967299", image.Id);
        Assert.Equal("https://mlws.blob.core.windows.net/logs/loan-scorer/build.log", image.ImageBuildLogUri);
        Assert.Equal(ImageFlavor.WebApiContainer, image.ImageFlavor);
        Assert.Equal("mlws.azurecr.io/loan-scorer:4294967299", image.ImageLocation);
        Assert.Equal(ImageType.Docker, image.ImageType);
        Assert.Equal("risk", image.KvTags!["team"]);
        Assert.Equal("prod", image.KvTags["stage"]);
        Assert.Equal("sklearn-model", Assert.Single(image.ModelDetails!).Name);
        Assert.Equal(["sklearn-model:1"], image.ModelIds!);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 0, 0, TimeSpan.FromHours(-5)), image.ModifiedTime);
        Assert.Equal(TimeSpan.FromHours(-5), image.ModifiedTime!.Value.Offset);
        Assert.Equal("loan-scorer", image.Name);
        Assert.Equal("0b7f6a4e-4f4e-4d5c-9a7e-1f2d3c4b5a69", image.OperationId);
        Assert.Equal("abc123", image.Properties!["azureml.git.commit"]);
        Assert.Equal(4294967299L, image.Version);
    }

    [Fact]
    public void Deserialize_WebApiContainer_ReadsDockerFields()
    {
        var image = Assert.IsType<DockerImageResponse>(ModelJson.Read<ImageResponseBase>(ModelJson.DockerImage));

        Assert.Equal("driver", image.DriverProgram);
        Assert.Equal("aml://artifact/driver", Assert.Single(image.Assets!).Url);
        Assert.Equal(RuntimeType.Python, image.TargetRuntime!.RuntimeType);
        Assert.Equal(TargetArchitecture.Amd64, image.TargetRuntime.TargetArchitecture);
        Assert.Equal(OsType.Linux, image.TargetRuntime.OsType);
        Assert.Equal("requirements.txt", image.TargetRuntime.Properties!["pipRequirements"]);
        Assert.Equal("https://mlws.blob.core.windows.net/docker/Dockerfile", image.DockerFileUri);
        Assert.Equal("https://mlws.blob.core.windows.net/docker/Dockerfile.generated", image.GeneratedDockerFileUri);
    }

    [Theory]
    [InlineData("WebApiContainer", typeof(DockerImageResponse))]
    [InlineData("IoTContainer", typeof(DockerImageResponse))]
    [InlineData("AccelContainer", typeof(FPGADockerImageResponse))]
    [InlineData("WEBAPICONTAINER", typeof(DockerImageResponse))]
    [InlineData("webapicontainer", typeof(DockerImageResponse))]
    [InlineData("ACCELCONTAINER", typeof(FPGADockerImageResponse))]
    [InlineData("BatchContainer", typeof(ImageResponseBase))]
    [InlineData("Zz-Unknown-Flavor", typeof(ImageResponseBase))]
    [InlineData("", typeof(ImageResponseBase))]
    public void Deserialize_Flavor_SelectsSubtypeIgnoringCase(string flavor, Type expected)
    {
        ImageResponseBase image = ModelJson.Read<ImageResponseBase>(ModelJson.DockerImageWith("imageFlavor", flavor));

        Assert.IsType(expected, image);
        Assert.Equal(flavor, image.ImageFlavor.ToString());
        Assert.Equal("loan-scorer", image.Name);
    }

    [Fact]
    public void Deserialize_MissingFlavor_ReturnsBaseTypeWithEveryOtherField()
    {
        ImageResponseBase image = ModelJson.Read<ImageResponseBase>(ModelJson.DockerImageWith("imageFlavor", null));

        Assert.IsType<ImageResponseBase>(image);
        Assert.Null(image.ImageFlavor);
        Assert.Equal(4294967299L, image.Version);
        Assert.True(image.AdditionalProperties.ContainsKey("driverProgram"), "Docker-only fields are kept, not dropped");
    }

    [Fact]
    public void Deserialize_NullFlavor_ReturnsBaseType()
    {
        ImageResponseBase image = ModelJson.Read<ImageResponseBase>(ModelJson.DockerImageWith("imageFlavor", JValue.CreateNull()));

        Assert.IsType<ImageResponseBase>(image);
        Assert.Null(image.ImageFlavor);
    }

    [Fact]
    public void Deserialize_UnknownFlavor_KeepsValueThroughRoundTrip()
    {
        ImageResponseBase image = ModelJson.Read<ImageResponseBase>(ModelJson.DockerImageWith("imageFlavor", "Zz-Unknown-Flavor"));

        Assert.False(image.ImageFlavor!.Value.IsKnown);
        JObject written = ModelJson.WriteToJObject(image);
        Assert.Equal("Zz-Unknown-Flavor", (string?)written["imageFlavor"]);
        Assert.Equal("driver", (string?)written["driverProgram"]);
    }

    [Fact]
    public void Deserialize_DifferentlyCasedFlavor_EqualsKnownValueAndKeepsSpelling()
    {
        ImageResponseBase image = ModelJson.Read<ImageResponseBase>(ModelJson.DockerImageWith("imageFlavor", "WEBAPICONTAINER"));

        Assert.Equal(ImageFlavor.WebApiContainer, image.ImageFlavor);
        Assert.True(image.ImageFlavor!.Value.IsKnown);
        Assert.Equal("WEBAPICONTAINER", (string?)ModelJson.WriteToJObject(image)["imageFlavor"]);
    }

    [Fact]
    public void Deserialize_UnknownCreationState_KeepsValueThroughRoundTrip()
    {
        // A value that cannot become real: a state the spec adds (Queued, say) would make a real value "unknown" here.
        const string Unknown = "Zz-Unknown-State";
        ImageResponseBase image = ModelJson.Read<ImageResponseBase>(ModelJson.DockerImageWith("creationState", Unknown));

        Assert.Equal(Unknown, image.CreationState.ToString());
        Assert.False(image.CreationState!.Value.IsKnown);
        Assert.NotEqual(AsyncOperationState.NotStarted, image.CreationState);
        Assert.Equal(Unknown, (string?)ModelJson.WriteToJObject(image)["creationState"]);
    }

    [Fact]
    public void Deserialize_UnknownNestedEnumValues_KeptWithTheirSpelling()
    {
        var json = JObject.Parse(ModelJson.DockerImage);
        json["targetRuntime"]!["targetArchitecture"] = "Zz-Unknown-Architecture";
        json["targetRuntime"]!["runtimeType"] = "python";
        json["imageType"] = "Zz-Unknown-Type";

        var image = Assert.IsType<DockerImageResponse>(ModelJson.Read<ImageResponseBase>(json.ToString()));

        Assert.Equal("Zz-Unknown-Architecture", image.TargetRuntime!.TargetArchitecture.ToString());
        Assert.Equal(RuntimeType.Python, image.TargetRuntime.RuntimeType);
        Assert.Equal("Zz-Unknown-Type", image.ImageType.ToString());
        JObject written = ModelJson.WriteToJObject(image);
        Assert.Equal("Zz-Unknown-Architecture", (string?)written["targetRuntime"]!["targetArchitecture"]);
        Assert.Equal("python", (string?)written["targetRuntime"]!["runtimeType"]);
    }

    [Fact]
    public void RoundTrip_UnknownProperties_SurviveAtEveryLevel()
    {
        var json = JObject.Parse(ModelJson.DockerImage);
        json["digest"] = "sha256:0f1e2d";
        json["tags"] = new JArray("legacy");
        json["targetRuntime"]!["gpuCount"] = 2;
        ((JObject)json["modelDetails"]![0]!)["lineage"] = new JObject { ["source"] = "registry" };
        json["error"]!["correlation"] = new JObject { ["requestId"] = "r-1" };
        json["error"]!["innerError"] = new JObject { ["code"] = "Deep" };

        JObject written = ModelJson.WriteToJObject(ModelJson.Read<ImageResponseBase>(json.ToString()));

        Assert.True(JToken.DeepEquals(json, written), $"Round trip changed the body:\n{written}");
    }

    [Fact]
    public void Deserialize_PageOfMixedFlavors_SelectsEachSubtype()
    {
        string page = $$"""
            { "value": [
                {{ModelJson.DockerImage}},
                {{ModelJson.DockerImageWith("imageFlavor", "AccelContainer")}},
                {{ModelJson.DockerImageWith("imageFlavor", "Future")}},
                {{ModelJson.DockerImageWith("imageFlavor", null)}}
              ],
              "nextLink": "https://eastus.api.azureml.ms/modelmanagement/v1.0/images?$skipToken=abc" }
            """;

        PaginatedImageList list = ModelJson.Read<PaginatedImageList>(page);

        Assert.Collection(
            list.Value!,
            i => Assert.IsType<DockerImageResponse>(i),
            i => Assert.IsType<FPGADockerImageResponse>(i),
            i => Assert.Equal("Future", Assert.IsType<ImageResponseBase>(i).ImageFlavor.ToString()),
            i => Assert.Null(Assert.IsType<ImageResponseBase>(i).ImageFlavor));
        Assert.Equal("https://eastus.api.azureml.ms/modelmanagement/v1.0/images?$skipToken=abc", list.NextLink);
    }

    [Theory]
    [InlineData(typeof(DockerImageResponse), "WebApiContainer")]
    [InlineData(typeof(FPGADockerImageResponse), "AccelContainer")]
    public void Serialize_SubtypeWithoutFlavor_WritesItsDiscriminator(Type type, string expected)
    {
        var image = (ImageResponseBase)Activator.CreateInstance(type)!;
        image.Name = "x";

        Assert.Equal(expected, (string?)ModelJson.WriteToJObject(image)["imageFlavor"]);
    }

    [Fact]
    public void Serialize_ImageWithUnsetOptionals_WritesNoNulls()
    {
        JObject written = ModelJson.WriteToJObject(new DockerImageResponse { Name = "x" });

        Assert.DoesNotContain(written.Properties(), p => p.Value.Type == JTokenType.Null);
        Assert.Equal(["imageFlavor", "name"], written.Properties().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Deserialize_DateLikeStringBeforeDiscriminator_KeepsExactText()
    {
        const string dateLike = "2026-03-02T10:15:30.1230000+01:00";
        // Spliced as text: parsing the fixture with JObject would itself turn the strings into dates.
        string json = "{ \"buildStamp\": \"" + dateLike + "\", " + ModelJson.DockerImageWith("description", dateLike).TrimStart()[1..];

        var image = Assert.IsType<DockerImageResponse>(ModelJson.Read<ImageResponseBase>(json));

        Assert.Equal(dateLike, image.Description);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 15, 30, 123, TimeSpan.FromHours(1)), image.CreatedTime);
        Assert.Contains($"\"buildStamp\":\"{dateLike}\"", ModelJson.Write(image), StringComparison.Ordinal);
    }
}
