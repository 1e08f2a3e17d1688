using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using ImageService.Client.Tests.TestSupport;

namespace ImageService.Client.Tests.Internal;

public class BearerTokenHandlerTests
{
    [Fact]
    public async Task Send_ConcurrentCalls_OneTokenCall()
    {
        var clients = new TestClients();
        var gate = new TaskCompletionSource();
        clients.Credential.Gate = gate.Task;
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        Task[] calls = Enumerable.Range(0, 8).Select(_ => (Task)client.GetImageAsync("img:1")).ToArray();
        gate.SetResult();
        await Task.WhenAll(calls);

        Assert.Equal(1, clients.Credential.Calls);
        Assert.Equal(8, stub.Count);
        Assert.All(stub.Requests, r => Assert.Equal("Bearer token-1", r.Header("Authorization")));
        Assert.Equal(new[] { ImageServiceClientOptions.DefaultScope }, clients.Credential.LastScopes);
    }

    [Fact]
    public async Task Send_TokenNearExpiry_IsRefreshed()
    {
        var clients = new TestClients();
        clients.Credential.Lifetime = TimeSpan.FromMinutes(10);
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        await client.GetImageAsync("img:1");
        clients.Time.Advance(TimeSpan.FromMinutes(4));
        await client.GetImageAsync("img:1");
        clients.Time.Advance(TimeSpan.FromMinutes(2)); // 4 minutes left: inside the 5-minute margin
        await client.GetImageAsync("img:1");

        Assert.Equal(2, clients.Credential.Calls);
        Assert.Equal(new[] { "Bearer token-1", "Bearer token-1", "Bearer token-2" }, stub.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Send_Unauthorized_RetriesOnceWithFreshToken()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => i == 0 ? TestHandlerStub.Status(HttpStatusCode.Unauthorized) : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        await client.GetImageAsync("img:1");

        Assert.Equal(new[] { "Bearer token-1", "Bearer token-2" }, stub.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task Send_UnauthorizedTwice_SurfacesThe401()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.Unauthorized, """{"code":"InvalidToken","message":"bad token"}"""));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Equal(401, ex.Status);
        Assert.Equal(2, stub.Count);
        Assert.DoesNotContain("token-", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ForeignNextLink_IsRefusedNamingTheOption()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, """{"value":[],"nextLink":"https://evil.example/steal?$skipToken=x"}"""));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(async () =>
        {
            await foreach (ImageResponseBase _ in client.ListImagesAsync())
            {
            }
        });

        Assert.Contains("AdditionalAllowedOrigins", ex.Message, StringComparison.Ordinal);
        Assert.Contains("https://evil.example", ex.Message, StringComparison.Ordinal);
        Assert.Single(stub.Requests);
        Assert.DoesNotContain(stub.Requests, r => r.Uri.Host == "evil.example");
    }

    [Fact]
    public async Task List_NextLinkOnAllowedOrigin_IsFollowedWithToken()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => TestHandlerStub.Json(HttpStatusCode.OK, i == 0
            ? """{"value":[{"id":"a:1"}],"nextLink":"https://cdn.example/page2"}"""
            : """{"value":[{"id":"b:1"}]}"""));
        ImageServiceClient client = clients.Create(stub, o => o.AdditionalAllowedOrigins.Add(new Uri("https://cdn.example")));

        var ids = new System.Collections.Generic.List<string?>();
        await foreach (ImageResponseBase image in client.ListImagesAsync())
        {
            ids.Add(image.Id);
        }

        Assert.Equal(new[] { "a:1", "b:1" }, ids);
        Assert.Equal("https://cdn.example/page2", stub.Requests[1].Uri.AbsoluteUri);
        Assert.Equal("Bearer token-1", stub.Requests[1].Header("Authorization"));
    }

    [Fact]
    public async Task StartCreate_ForeignOperationLocation_IsRefusedNamingTheOption()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Status(HttpStatusCode.Accepted, ("Operation-Location", "https://evil.example/operations/op-1")));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.StartCreateImageAsync(new DockerImageRequest { Name = "img", ImageFlavor = ImageFlavor.WebApiContainer }));

        Assert.Contains("AdditionalAllowedOrigins", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Operation-Location", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_PlainHttpToNonLoopback_IsRefused()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, """{"value":[],"nextLink":"http://mirror.example/page2"}"""));
        ImageServiceClient client = clients.Create(stub, o => o.AdditionalAllowedOrigins.Add(new Uri("http://mirror.example")));

        var ex = await Assert.ThrowsAsync<ImageServiceException>(async () =>
        {
            await foreach (ImageResponseBase _ in client.ListImagesAsync())
            {
            }
        });

        Assert.Contains("plain http", ex.Message, StringComparison.Ordinal);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Send_PlainHttpToLoopback_SendsToken()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub, o => o.Endpoint = new Uri("http://127.0.0.1:5005"));

        await client.GetImageAsync("img:1");

        Assert.Equal("Bearer token-1", stub.Requests[0].Header("Authorization"));
        Assert.StartsWith("http://127.0.0.1:5005/modelmanagement/", stub.Requests[0].Uri.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_NoCredential_SendsNoAuthorization()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub, o => o.Credential = null);

        await client.GetImageAsync("img:1");

        Assert.Null(stub.Requests[0].Header("Authorization"));
    }
}
