using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using System.Web;
using ImageService.Client.IntegrationTests.TestSupport;

namespace ImageService.Client.IntegrationTests.Contract;

/// <summary>
/// Every SDK operation against <c>prism mock openapi/images.yaml</c>: Prism validates each request against the spec
/// (path, query names and formats, body, content type) and answers 4xx when it breaks it, so "the call succeeded and
/// Prism logged no violation" means our requests follow the spec. Prism's examples point nextLink and
/// Operation-Location at https://eastus.api.azureml.ms: the README's answer is AdditionalAllowedOrigins; only the
/// first page is read so nothing ever goes to that host.
/// </summary>
public sealed class PrismMockTests : IClassFixture<PrismMockFixture>, IDisposable
{
    private const string ExampleHost = "https://eastus.api.azureml.ms";
    private const string ImageId = "myimage:3";
    private readonly PrismMockFixture _fixture;
    private readonly RecordingHandler _recorder = new();
    private readonly ClientHost _host;
    private readonly int _logStart;

    public PrismMockTests(PrismMockFixture fixture)
    {
        _fixture = fixture;
        _logStart = fixture.Prism.Output.Count;
        _host = Create(allowExampleHost: true);
    }

    private ImageServiceClient Client => _host.Client;

    [Fact]
    public async Task GetImageAsync_PrismMock_ReturnsTheExampleImage()
    {
        ImageResponseBase image = await Client.GetImageAsync(ImageId);

        Assert.Equal("myimage:3", image.Id);
        Assert.IsType<DockerImageResponse>(image);
        AssertSpecCompliant(HttpMethodName.Get, 1);
    }

    [Fact]
    public async Task ListImagesAsync_EveryFilter_PrismAcceptsTheQuery()
    {
        var filter = new ImageListOptions
        {
            Name = "myimage",
            ModelId = "sklearn-model:1",
            ModelName = "sklearn-model",
            Version = "3",
            Description = "Scoring image",
            OrderBy = ImageOrderBy.UpdatedAtAsc,
            PageSize = 5,
            Expand = true,
        };
        filter.Tags["team"] = "forecasting";
        filter.Tags["stage"] = null;
        filter.Properties["createdBy"] = "azureml-sdk";

        ImageServicePage<ImageResponseBase> page = await FirstPageAsync(Client.ListImagesAsync(filter));

        Assert.NotEmpty(page.Values);
        Assert.StartsWith(ExampleHost, page.ContinuationToken, StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(_recorder.Exchanges.Single().Uri.Query);
        Assert.Equal(
            "count,description,expand,modelId,modelName,name,orderBy,properties,tags,version",
            string.Join(",", query.AllKeys.Order(StringComparer.Ordinal)));
        Assert.Equal("team=forecasting,stage", query["tags"]);
        Assert.Equal("createdBy=azureml-sdk", query["properties"]);
        Assert.Equal("true", query["expand"]);
        Assert.Equal("UpdatedAtAsc", query["orderBy"]);
        AssertSpecCompliant(HttpMethodName.Get, 1);
    }

    [Fact]
    public async Task ListImagesAsync_NoFilter_SendsNoQuery()
    {
        ImageServicePage<ImageResponseBase> page = await FirstPageAsync(Client.ListImagesAsync());

        Assert.NotEmpty(page.Values);
        Assert.Equal(string.Empty, _recorder.Exchanges.Single().Uri.Query);
        AssertSpecCompliant(HttpMethodName.Get, 1);
    }

    [Fact]
    public async Task StartCreateImageAsync_PrismMock_ReturnsTheOperationIdFromOperationLocation()
    {
        CreateImageOperation operation = await Client.StartCreateImageAsync(NewImage());

        Assert.Equal("9d3b7e21-4c6a-4f0e-b5d8-1a2c3e4f5a6b", operation.Id);
        RecordedExchange post = _recorder.Exchanges.Single();
        Assert.Equal("application/json", post.ContentType);
        Assert.Equal(202, post.Status);
        AssertSpecCompliant(HttpMethodName.Post, 1);
    }

    [Fact]
    public async Task StartCreateImageAsync_ForeignOperationLocationNotAllowed_ThrowsNamingAdditionalAllowedOrigins()
    {
        using ClientHost strict = Create(allowExampleHost: false);

        var error = await Assert.ThrowsAsync<ImageServiceException>(() => strict.Client.StartCreateImageAsync(NewImage()));

        Assert.Contains("AdditionalAllowedOrigins", error.Message, StringComparison.Ordinal);
        Assert.Contains(ExampleHost, error.Message, StringComparison.Ordinal);
        AssertSpecCompliant(HttpMethodName.Post, 1);
    }

    [Fact]
    public async Task GetOperationAsync_PrismMock_ReadsTheExampleStatus()
    {
        AsyncOperationStatus status = await Client.GetOperationAsync("9d3b7e21-4c6a-4f0e-b5d8-1a2c3e4f5a6b");
        AsyncOperationStatus polled = await Client.GetCreateImageOperation("9d3b7e21-4c6a-4f0e-b5d8-1a2c3e4f5a6b").UpdateStatusAsync();

        Assert.Equal(AsyncOperationState.Running, status.State);
        Assert.Equal(AsyncOperationState.Running, polled.State);
        AssertSpecCompliant(HttpMethodName.Get, 2);
    }

    public static TheoryData<string> PatchConveniences => new() { "UpdateImageAsync", "UpdateTagsAsync", "AddTagsAsync", "RemoveTagsAsync", "AddPropertiesAsync" };

    [Theory]
    [MemberData(nameof(PatchConveniences))]
    public async Task PatchConvenience_PrismMock_SendsASpecCompliantJsonPatch(string convenience)
    {
        var tags = new Dictionary<string, string> { ["stage"] = "prod" };
        ImageResponseBase updated = convenience switch
        {
            "UpdateImageAsync" => await Client.UpdateImageAsync(ImageId, new ImagePatch()
                .ReplaceTags(tags).AddProperties(new Dictionary<string, string> { ["reviewedBy"] = "alice" }).ReplaceDescription("reviewed")),
            "UpdateTagsAsync" => await Client.UpdateTagsAsync(ImageId, tags),
            "AddTagsAsync" => await Client.AddTagsAsync(ImageId, tags),
            "RemoveTagsAsync" => await Client.RemoveTagsAsync(ImageId, ["team"]),
            "AddPropertiesAsync" => await Client.AddPropertiesAsync(ImageId, new Dictionary<string, string> { ["reviewedBy"] = "alice" }),
            _ => throw new ArgumentOutOfRangeException(nameof(convenience)),
        };

        Assert.Equal("myimage:3", updated.Id);
        RecordedExchange patch = _recorder.Exchanges.Single(e => e.Method == System.Net.Http.HttpMethod.Patch);
        Assert.Equal("application/json-patch+json", patch.ContentType);
        Assert.StartsWith("[{", patch.RequestBody, StringComparison.Ordinal);
        AssertSpecCompliant(HttpMethodName.Patch, convenience is "AddPropertiesAsync" ? 2 : 1); // AddProperties reads first to refuse existing keys
    }

    [Fact]
    public async Task DeleteImageAsync_PrismMock_ReturnsTrueFor200()
    {
        Assert.True(await Client.DeleteImageAsync(ImageId));
        AssertSpecCompliant(HttpMethodName.Delete, 1);
    }

    [Fact]
    public async Task ListProfilesAsync_PrismMock_ReadsTheFirstPage()
    {
        ImageServicePage<ProfileResponse> page = await FirstPageAsync(Client.ListProfilesAsync(ImageId));

        Assert.Equal("myprofile", Assert.Single(page.Values).Name);
        AssertSpecCompliant(HttpMethodName.Get, 1);
    }

    [Fact]
    public async Task GetProfileAsync_PrismMock_ReturnsTheExampleProfile()
    {
        ProfileResponse profile = await Client.GetProfileAsync(ImageId, "myprofile");

        Assert.Equal("myprofile", profile.Name);
        AssertSpecCompliant(HttpMethodName.Get, 1);
    }

    [Fact]
    public async Task StartCreateProfileAsync_PrismMock_ReturnsTheOperationId()
    {
        var request = new ProfileRequestBase
        {
            Name = "myprofile",
            InputData = "{\"data\": [[1.0, 2.0]]}",
            KvTags = new Dictionary<string, string> { ["team"] = "forecasting" },
            Properties = new Dictionary<string, string> { ["sampleCount"] = "100" },
        };

        CreateProfileOperation operation = await Client.StartCreateProfileAsync(ImageId, request);

        Assert.Equal("9d3b7e21-4c6a-4f0e-b5d8-1a2c3e4f5a6b", operation.Id);
        AssertSpecCompliant(HttpMethodName.Post, 1);
    }

    public void Dispose() => _host.Dispose();

    internal static DockerImageRequest NewImage() => new()
    {
        Name = "myimage",
        Description = "Scoring image for the sklearn regression model.",
        ImageType = ImageType.Docker,
        ImageFlavor = ImageFlavor.WebApiContainer,
        DriverProgram = "driver",
        Assets = [new ImageAsset { Id = "driver", MimeType = "application/x-python", Url = "aml://artifact/driver.py", Unpack = false }],
        TargetRuntime = new TargetRuntime
        {
            RuntimeType = RuntimeType.Python,
            Properties = new Dictionary<string, string> { ["pipRequirements"] = "requirements.txt" },
            TargetArchitecture = TargetArchitecture.Amd64,
            OsType = OsType.Linux,
        },
        KvTags = new Dictionary<string, string> { ["team"] = "forecasting" },
        Properties = new Dictionary<string, string> { ["createdBy"] = "azureml-sdk" },
        ModelIds = ["sklearn-model:1"],
    };

    private static async Task<ImageServicePage<T>> FirstPageAsync<T>(ImageServicePageable<T> pageable)
    {
        await foreach (ImageServicePage<T> page in pageable.AsPages())
        {
            return page; // never follow the example nextLink: it names a real host
        }

        throw new InvalidOperationException("No page.");
    }

    private ClientHost Create(bool allowExampleHost) => ClientHost.Create(
        options =>
        {
            options.Endpoint = _fixture.Prism.BaseAddress;
            options.SubscriptionId = "8e2a1f3c-5b7d-4c9e-a0f1-2b3c4d5e6f70";
            options.ResourceGroup = "my-rg";
            options.Workspace = "my-workspace";
            options.Credential = new StaticTokenCredential("prism-token");
            options.MaxRetryAttempts = 0; // a 4xx/5xx from Prism must surface, not be retried away
            if (allowExampleHost)
            {
                options.AdditionalAllowedOrigins.Add(new Uri(ExampleHost));
            }
        },
        handlers: [_recorder.Factory]);

    private void AssertSpecCompliant(string method, int expectedCalls)
    {
        IReadOnlyList<RecordedExchange> exchanges = _recorder.Exchanges;
        IReadOnlyList<string> logged = PrismViolations.InLog(_fixture.Prism.Output.Skip(_logStart));
        IReadOnlyList<string> flagged = PrismViolations.InHeaders(exchanges);
        Figures.Add("contract", "mockCalls", exchanges.Count);
        Figures.Add("contract", "mockViolations", logged.Count + flagged.Count);
        Assert.True(logged.Count == 0 && flagged.Count == 0, "Prism found violations:\n" + string.Join("\n", logged.Concat(flagged)));
        Assert.Equal(expectedCalls, exchanges.Count);
        Assert.Contains(exchanges, e => e.Method.Method == method);
        Assert.All(exchanges, e => Assert.True(e.Status < 400, $"{e.Method} {e.Uri} -> {e.Status}: {e.ResponseBody}"));
        Assert.All(exchanges, e => Assert.Equal("Bearer prism-token", e.Headers["Authorization"]));
        Figures.Add("contract", "mockOperationsPassed", 1);
    }

    private static class HttpMethodName
    {
        public const string Get = "GET";
        public const string Post = "POST";
        public const string Patch = "PATCH";
        public const string Delete = "DELETE";
    }
}
