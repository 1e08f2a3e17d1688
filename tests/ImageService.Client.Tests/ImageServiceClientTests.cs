using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Tests.TestSupport;

namespace ImageService.Client.Tests;

public class ImageServiceClientTests
{
    [Fact]
    public async Task GetImage_KnownFlavor_ReturnsSubtypeFromWorkspacePath()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson("img:1", "WebApiContainer", ""","driverProgram":"driver" """)));
        ImageServiceClient client = clients.Create(stub);

        ImageResponseBase image = await client.GetImageAsync("img:1");

        DockerImageResponse docker = Assert.IsType<DockerImageResponse>(image);
        Assert.Equal("driver", docker.DriverProgram);
        Assert.Equal(HttpMethod.Get, stub.Requests[0].Method);
        Assert.Equal(TestClients.Workspace + "/images/img%3A1", stub.Requests[0].Uri.AbsolutePath);
    }

    [Fact]
    public async Task Constructor_HttpClientWithoutBaseAddress_SendsToTheEndpointAndLeavesTheHttpClientAsItIs()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        using var http = new HttpClient(stub);
        var client = new ImageServiceClient(http, clients.Options());

        await client.GetImageAsync("img:1");

        Assert.Null(http.BaseAddress);
        Assert.Equal(TestClients.Endpoint.TrimEnd('/') + TestClients.Workspace + "/images/img%3A1", Assert.Single(stub.Requests).Uri.GetLeftPart(UriPartial.Path));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Methods_MissingImageId_ThrowArgumentException(string? imageId)
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Status(HttpStatusCode.OK));
        ImageServiceClient client = clients.Create(stub);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.GetImageAsync(imageId!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.DeleteImageAsync(imageId!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.UpdateImageAsync(imageId!, new ImagePatch().ReplaceDescription("d")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.AddTagsAsync(imageId!, new Dictionary<string, string>()));
        Assert.ThrowsAny<ArgumentException>(() => client.GetCreateImageOperation(imageId!));
        Assert.Equal(0, stub.Count);
    }

    [Theory]
    [InlineData("{\"id\": \"img:1\", \"name\": ")]
    [InlineData("<html>gateway</html>")]
    [InlineData("{\"id\": {\"nested\": true}}")]
    public async Task GetImage_UnreadableBody_ThrowsImageServiceException(string body)
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, body));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Contains("could not be read", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.ClientRequestId);
    }

    [Fact]
    public async Task GetImage_ErrorWithUnreadableBody_ThrowsImageServiceExceptionWithStatus()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.BadRequest, "not json"));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Equal(400, ex.Status);
    }

    [Fact]
    public async Task GetImage_ContentLengthOverLimit_ThrowsImageServiceException()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson(extra: "," + "\"description\":\"" + new string('x', 2000) + "\"")));
        ImageServiceClient client = clients.Create(stub, o => o.MaxResponseBytes = 1024);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Contains("MaxResponseBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetImage_StreamGrowingOverLimit_ThrowsImageServiceException()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) =>
        {
            byte[] bytes = Encoding.UTF8.GetBytes(TestClients.ImageJson(extra: "," + "\"description\":\"" + new string('x', 5000) + "\""));
            var content = new StreamContent(new NonSeekableStream(bytes));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
        ImageServiceClient client = clients.Create(stub, o => o.MaxResponseBytes = 1024);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Contains("MaxResponseBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetImage_CancelledToken_ThrowsOperationCanceled()
    {
        var clients = new TestClients();
        var stub = new TestHandlerStub(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return TestHandlerStub.Status(HttpStatusCode.OK);
        });
        ImageServiceClient client = clients.Create(stub);
        using var cts = new CancellationTokenSource();

        Task<ImageResponseBase> call = client.GetImageAsync("img:1", cts.Token);
        while (stub.Count == 0)
        {
            await Task.Yield();
        }

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, stub.Count);
    }

    [Fact]
    public async Task UpdateImage_Patch_SendsExactJsonPatch()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        await client.UpdateImageAsync("img:1", new ImagePatch().ReplaceDescription("d2").AddProperties(new Dictionary<string, string> { ["k"] = "v" }));

        TransportRequest request = Assert.Single(stub.Requests);
        Assert.Equal(HttpMethod.Patch, request.Method);
        Assert.Equal("""[{"op":"replace","path":"/description","value":"d2"},{"op":"add","path":"/properties/k","value":"v"}]""", request.Body);
    }

    [Fact]
    public async Task UpdateTags_ReplacesWholeMapWithoutReading()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        await client.UpdateTagsAsync("img:1", new Dictionary<string, string> { ["only"] = "this" });

        TransportRequest request = Assert.Single(stub.Requests);
        Assert.Equal("""[{"op":"replace","path":"/kvTags","value":{"only":"this"}}]""", request.Body);
    }

    [Fact]
    public async Task AddTags_SendsOneAddPerKeyWithoutReading()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson(extra: ""","kvTags":{"keep":"1","stage":"prod"}""")));
        ImageServiceClient client = clients.Create(stub);

        await client.AddTagsAsync("img:1", new Dictionary<string, string> { ["stage"] = "prod", ["team/ml"] = "2" });

        TransportRequest request = Assert.Single(stub.Requests);
        Assert.Equal(HttpMethod.Patch, request.Method);
        Assert.Equal("""[{"op":"add","path":"/kvTags/stage","value":"prod"},{"op":"add","path":"/kvTags/team~1ml","value":"2"}]""", request.Body);
    }

    [Fact]
    public async Task RemoveTags_SendsAddThenRemovePerKeyWithoutReading()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson(extra: ""","kvTags":{"keep":"1"}""")));
        ImageServiceClient client = clients.Create(stub);

        await client.RemoveTagsAsync("img:1", new[] { "drop", "absent", "drop" });

        TransportRequest request = Assert.Single(stub.Requests);
        Assert.Equal(
            """[{"op":"add","path":"/kvTags/absent","value":""},{"op":"remove","path":"/kvTags/absent"},{"op":"add","path":"/kvTags/drop","value":""},{"op":"remove","path":"/kvTags/drop"}]""",
            request.Body);
    }

    [Fact]
    public async Task TagConveniences_NothingToChange_ThrowArgumentExceptionWithoutSending()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        await Assert.ThrowsAsync<ArgumentException>(() => client.AddTagsAsync("img:1", new Dictionary<string, string>()));
        await Assert.ThrowsAsync<ArgumentException>(() => client.RemoveTagsAsync("img:1", Array.Empty<string>()));
        Assert.Equal(0, stub.Count);
    }

    [Fact]
    public async Task AddProperties_ExistingKey_RefusedWithoutPatching()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson(extra: ""","properties":{"owner":"me"}""")));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.AddPropertiesAsync("img:1", new Dictionary<string, string> { ["owner"] = "you", ["new"] = "x" }));

        Assert.Contains("'owner'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("immutable", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(stub.Requests, r => r.Method == HttpMethod.Patch);
    }

    [Fact]
    public async Task AddProperties_NewKeys_AddsEach()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson(extra: ""","properties":{"owner":"me"}""")));
        ImageServiceClient client = clients.Create(stub);

        await client.AddPropertiesAsync("img:1", new Dictionary<string, string> { ["team"] = "t" });

        Assert.Equal("""[{"op":"add","path":"/properties/team","value":"t"}]""", stub.Requests[1].Body);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, true)]
    [InlineData(HttpStatusCode.NoContent, false)]
    public async Task DeleteImage_Status_MapsToResult(HttpStatusCode status, bool expected)
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => new HttpResponseMessage(status));
        ImageServiceClient client = clients.Create(stub);

        bool deleted = await client.DeleteImageAsync("img:1");

        Assert.Equal(expected, deleted);
        Assert.Equal(HttpMethod.Delete, stub.Requests[0].Method);
    }

    [Fact]
    public async Task DeleteImage_PreconditionFailed_SaysImageIsInUse()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.PreconditionFailed, """{"code":"DeletionRequired","message":"Image is used by service svc-1."}"""));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.DeleteImageAsync("img:1"));

        Assert.Equal(412, ex.Status);
        Assert.Equal("DeletionRequired", ex.ErrorCode);
        Assert.Contains("still used by a service", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, stub.Count);
    }

    [Fact]
    public async Task GetOperation_ReturnsStatus()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, """{"id":"op-1","state":"Running"}"""));
        ImageServiceClient client = clients.Create(stub);

        AsyncOperationStatus status = await client.GetOperationAsync("op-1");

        Assert.Equal(AsyncOperationState.Running, status.State);
        Assert.Equal(TestClients.Workspace + "/operations/op-1", stub.Requests[0].Uri.AbsolutePath);
    }

    [Fact]
    public async Task GetProfile_ReturnsProfile()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, """{"name":"p","imageId":"img:1"}"""));
        ImageServiceClient client = clients.Create(stub);

        ProfileResponse profile = await client.GetProfileAsync("img:1", "p");

        Assert.Equal("p", profile.Name);
    }

    private sealed class NonSeekableStream(byte[] data) : System.IO.MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
