using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace ImageService.Benchmarks;

/// <summary>
/// Fixed, realistic response bodies: what the service sends for a Docker image with <c>expand=true</c> (two full
/// model records in <c>modelDetails</c>), camelCase, dates with offsets, the discriminator in the middle of the object.
/// </summary>
public static class Payloads
{
    public const string Subscription = "00000000-1111-2222-3333-444444444444";
    public const string ResourceGroup = "bench-rg";
    public const string Workspace = "bench-ws";
    public const string ImageId = "loan-scorer-7:7"; // the id Image names: the client refuses an answer that names another image
    public const int PageSize = 1000;

    /// <summary>The body of GET one image (about 2.5 KB).</summary>
    public static readonly byte[] Image = Encoding.UTF8.GetBytes(ImageJson(7));

    /// <summary>A page of <see cref="PageSize"/> images, without <c>nextLink</c>.</summary>
    public static readonly byte[] Page = Encoding.UTF8.GetBytes(PageJson(PageSize, nextLink: null));

    /// <summary>The items of a page, comma-separated, to be framed by <see cref="PagePrefix"/> and a suffix with the nextLink.</summary>
    public static readonly byte[] PageItems = Encoding.UTF8.GetBytes(Items(PageSize));

    public static readonly byte[] PagePrefix = Encoding.UTF8.GetBytes("{\"value\":[");

    public static string ImagePath(string workspace, string imageId) =>
        $"modelmanagement/v1.0/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/{workspace}/images/{Uri.EscapeDataString(imageId)}";

    public static string ListPath(string workspace) =>
        $"modelmanagement/v1.0/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/{workspace}/images";

    public static byte[] PageSuffix(string? nextLink) =>
        Encoding.UTF8.GetBytes(nextLink is null ? "]}" : $"],\"nextLink\":\"{nextLink}\"}}");

    public static string PageJson(int count, string? nextLink) =>
        "{\"value\":[" + Items(count) + (nextLink is null ? "]}" : $"],\"nextLink\":\"{nextLink}\"}}");

    private static string Items(int count)
    {
        var builder = new StringBuilder(count * 2700);
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append(ImageJson(i));
        }

        return builder.ToString();
    }

    public static string ImageJson(int i)
    {
        string n = i.ToString(CultureInfo.InvariantCulture);
        return """
            {"autoDelete":false,"createdTime":"2026-03-02T10:15:30.123+01:00","creationState":"Succeeded","description":"Scores loan applications for the retail bank, build @N@","error":null,"id":"loan-scorer-@N@:7","imageBuildLogUri":"https://mlws.blob.core.windows.net/logs/loan-scorer-@N@/7/build.log?sv=2025-01-05&sr=b","imageFlavor":"WebApiContainer","imageLocation":"mlws.azurecr.io/loan-scorer-@N@:7","imageType":"Docker","kvTags":{"team":"risk","stage":"prod","owner":"alice@contoso.com","costCenter":"cc-1234"},"modelDetails":[{"id":"sklearn-model:@N@","name":"sklearn-model","framework":"ScikitLearn","frameworkVersion":"1.5.2","version":@N@,"tags":["tabular","credit"],"datasets":[{"name":"loans-2025","id":"ds-@N@"}],"url":"aml://asset/@N@a1f0e2d3c4b5","mimeType":"application/x-python","description":"Gradient boosting over 120 features","createdTime":"2026-02-27T08:00:00+00:00","modifiedTime":"2026-02-28T09:30:00+00:00","unpack":false,"parentModelId":"sklearn-model:1","runId":"run-@N@-0001","experimentName":"loan-scoring","kvTags":{"auc":"0.91","owner":"alice"},"properties":{"azureml.git.commit":"5f2c1e0b9a8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e"}},{"id":"onnx-featurizer:@N@","name":"onnx-featurizer","framework":"Onnx","frameworkVersion":"1.17","version":3,"tags":["featurizer"],"datasets":[],"url":"aml://asset/@N@b2e1d0c9b8a7","mimeType":"application/octet-stream","description":"Feature pipeline","createdTime":"2026-02-20T08:00:00+00:00","modifiedTime":"2026-02-21T09:30:00+00:00","unpack":true,"runId":"run-@N@-0002","experimentName":"featurizer","kvTags":{"owner":"bob"},"properties":{"source":"pipeline"}}],"modelIds":["sklearn-model:@N@","onnx-featurizer:@N@"],"modifiedTime":"2026-03-02T11:00:00-05:00","name":"loan-scorer-@N@","operationId":"0b7f6a4e-4f4e-4d5c-9a7e-@X@","properties":{"azureml.git.commit":"abc123def456","createdBy":"pipeline"},"version":7,"driverProgram":"score.py","assets":[{"id":"score.py","mimeType":"application/x-python","url":"aml://artifact/score.py","unpack":false},{"id":"conda.yml","mimeType":"application/x-yaml","url":"aml://artifact/conda.yml","unpack":false}],"targetRuntime":{"runtimeType":"Python","properties":{"pipRequirements":"requirements.txt","condaFile":"conda.yml"},"targetArchitecture":"Amd64","osType":"Linux"},"dockerFileUri":"https://mlws.blob.core.windows.net/docker/loan-scorer-@N@/Dockerfile","generatedDockerFileUri":"https://mlws.blob.core.windows.net/docker/loan-scorer-@N@/Dockerfile.generated"}
            """.Replace("@N@", n, StringComparison.Ordinal).Replace("@X@", i.ToString("x12", CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    public static MemoryStream PageStream() => new(Page, writable: false);
}
