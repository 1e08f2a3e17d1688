using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using ImageService.Client.Tests.TestSupport;

namespace ImageService.Client.Tests.Internal;

public class ClientRequestIdHandlerTests
{
    [Fact]
    public async Task Send_Retries_ReuseTheRequestId()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => i < 2 ? TestHandlerStub.Status(HttpStatusCode.ServiceUnavailable) : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        await client.GetImageAsync("img:1");

        string?[] ids = stub.Requests.Select(r => r.Header("x-ms-client-request-id")).ToArray();
        Assert.Equal(3, ids.Length);
        Assert.True(Guid.TryParse(ids[0], out _));
        Assert.All(ids, id => Assert.Equal(ids[0], id));
    }

    [Fact]
    public async Task Send_SeparateCalls_GetDifferentRequestIds()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        await client.GetImageAsync("img:1");
        await client.GetImageAsync("img:1");

        Assert.NotEqual(stub.Requests[0].Header("x-ms-client-request-id"), stub.Requests[1].Header("x-ms-client-request-id"));
    }

    [Fact]
    public async Task Failure_CarriesTheRequestId()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.NotFound, """{"code":"NotFound","message":"no such image"}"""));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Equal(stub.Requests[0].Header("x-ms-client-request-id"), ex.ClientRequestId);
        Assert.Equal(404, ex.Status);
        Assert.Equal("NotFound", ex.Error?.Code);
    }

    [Fact]
    public async Task Send_UserAgent_NamesSdkVersionAndRuntime()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        await client.GetImageAsync("img:1");

        string? userAgent = stub.Requests[0].Header("User-Agent");
        Assert.NotNull(userAgent);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(userAgent, @"^ImageService\.Client/\d+\.\d+\.\d+\S* \(\.NET [^;]+; [^)]+\)$"), userAgent);
    }
}
