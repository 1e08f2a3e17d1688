using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ImageService.Client.Tests.Models;

/// <summary>Reads and writes model JSON exactly as the generated client does.</summary>
internal static class ModelJson
{
    private static readonly JsonSerializerSettings s_settings = ImageServiceJson.CreateSettings();

    public static T Read<T>(string json) => JsonConvert.DeserializeObject<T>(json, s_settings)!;

    public static string Write(object value) => JsonConvert.SerializeObject(value, s_settings);

    public static JObject WriteToJObject(object value) => JObject.Parse(Write(value));

    /// <summary>A realistic image body as the service sends it: camelCase, offsets on dates, a version past int32.</summary>
    public const string DockerImage = """
        {
          "autoDelete": true,
          "createdTime": "2026-03-02T10:15:30.123+01:00",
          "creationState": "Succeeded",
          "description": "Scores loan applications",
          "error": { "code": "None", "statusCode": 200, "message": "no error", "details": [ { "code": "a", "message": "b", "target": "c" } ] },
          "id": "loan-scorer:4294967299",
          "imageBuildLogUri": "https://mlws.blob.core.windows.net/logs/loan-scorer/build.log",
          "imageFlavor": "WebApiContainer",
          "imageLocation": "mlws.azurecr.io/loan-scorer:4294967299",
          "imageType": "Docker",
          "kvTags": { "team": "risk", "stage": "prod" },
          "modelDetails": [ { "id": "sklearn-model:1", "name": "sklearn-model", "version": 1, "url": "aml://asset/123", "mimeType": "application/x-python" } ],
          "modelIds": [ "sklearn-model:1" ],
          "modifiedTime": "2026-03-02T11:00:00-05:00",
          "name": "loan-scorer",
          "operationId": "0b7f6a4e-4f4e-4d5c-9a7e-1f2d3c4b5a69",
          "properties": { "azureml.git.commit": "abc123" },
          "version": 4294967299,
          "driverProgram": "driver",
          "assets": [ { "id": "driver", "mimeType": "application/x-python", "url": "aml://artifact/driver", "unpack": false } ],
          "targetRuntime": { "runtimeType": "Python", "properties": { "pipRequirements": "requirements.txt" }, "targetArchitecture": "Amd64", "osType": "Linux" },
          "dockerFileUri": "https://mlws.blob.core.windows.net/docker/Dockerfile",
          "generatedDockerFileUri": "https://mlws.blob.core.windows.net/docker/Dockerfile.generated"
        }
        """;

    /// <summary>The same body with one property replaced (or removed, when <paramref name="value"/> is null).</summary>
    public static string DockerImageWith(string property, JToken? value)
    {
        var json = JObject.Parse(DockerImage);
        if (value is null)
        {
            json.Remove(property);
        }
        else
        {
            json[property] = value;
        }

        return json.ToString(Formatting.None);
    }
}
