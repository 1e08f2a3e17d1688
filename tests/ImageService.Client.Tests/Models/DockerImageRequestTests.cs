using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace ImageService.Client.Tests.Models;

public class DockerImageRequestTests
{
    [Fact]
    public void Serialize_Request_UsesWireNamesAndOmitsNulls()
    {
        var request = new DockerImageRequest
        {
            Name = "loan-scorer",
            ImageFlavor = ImageFlavor.WebApiContainer,
            ImageType = ImageType.Docker,
            DriverProgram = "driver",
            Assets = [new ImageAsset { Id = "driver", MimeType = "application/x-python", Url = "aml://artifact/1" }],
            TargetRuntime = new TargetRuntime
            {
                RuntimeType = RuntimeType.Python,
                TargetArchitecture = "amd64",
                Properties = new Dictionary<string, string> { ["pipRequirements"] = "requirements.txt" },
            },
            KvTags = new Dictionary<string, string> { ["team"] = "risk" },
            ModelIds = ["sklearn-model:1"],
        };

        JObject written = ModelJson.WriteToJObject(request);

        JObject expected = JObject.Parse("""
            {
              "name": "loan-scorer",
              "imageType": "Docker",
              "imageFlavor": "WebApiContainer",
              "driverProgram": "driver",
              "assets": [ { "id": "driver", "mimeType": "application/x-python", "url": "aml://artifact/1" } ],
              "targetRuntime": { "runtimeType": "Python", "properties": { "pipRequirements": "requirements.txt" }, "targetArchitecture": "amd64" },
              "kvTags": { "team": "risk" },
              "modelIds": [ "sklearn-model:1" ]
            }
            """);
        Assert.True(JToken.DeepEquals(expected, written), $"Unexpected body:\n{written}");
    }

    [Fact]
    public void Serialize_NewRequestWithNameOnly_SendsWebApiContainerDocker()
    {
        var request = new DockerImageRequest { Name = "loan-scorer" };

        JObject written = ModelJson.WriteToJObject(request);

        Assert.Equal(ImageFlavor.WebApiContainer, request.ImageFlavor);
        Assert.Equal(ImageType.Docker, request.ImageType);
        JObject expected = JObject.Parse("""{ "name": "loan-scorer", "imageType": "Docker", "imageFlavor": "WebApiContainer" }""");
        Assert.True(JToken.DeepEquals(expected, written), $"Unexpected body:\n{written}");
    }

    [Fact]
    public void Serialize_FlavorAndTypeSet_SendsThoseInsteadOfTheDefaults()
    {
        var request = new DockerImageRequest { Name = "fpga-scorer", ImageFlavor = ImageFlavor.AccelContainer, ImageType = null };

        JObject written = ModelJson.WriteToJObject(request);

        Assert.Equal("AccelContainer", (string?)written["imageFlavor"]);
        Assert.False(written.ContainsKey("imageType"));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("this-name-is-far-too-long-for-the-service")]
    [InlineData("Upper")]
    [InlineData("-leading-dash")]
    [InlineData("trailing.")]
    public void Validate_NameOutsideServiceRules_Fails(string name)
    {
        var request = new DockerImageRequest { Name = name, ImageFlavor = ImageFlavor.WebApiContainer };

        var results = new List<ValidationResult>();
        bool valid = Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(DockerImageRequest.Name)));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("my-image.v2")]
    [InlineData("a1234567890123456789012345678901")]
    public void Validate_NameWithinServiceRules_Passes(string name)
    {
        var request = new DockerImageRequest { Name = name, ImageFlavor = ImageFlavor.WebApiContainer };

        Assert.True(Validator.TryValidateObject(request, new ValidationContext(request), null, validateAllProperties: true));
    }

    [Fact]
    public void Serialize_JsonPatchOperation_WritesWireNames()
    {
        var patch = new JsonPatchOperation { Op = "replace", Path = "/kvTags", Value = new Dictionary<string, string> { ["a"] = "b" } };

        Assert.Equal("""{"op":"replace","path":"/kvTags","value":{"a":"b"}}""", ModelJson.Write(patch));
    }
}
