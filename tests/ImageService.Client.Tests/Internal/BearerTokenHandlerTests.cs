using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Azure.Identity;
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

    /// <summary>A CAE challenge as Azure Resource Manager sends it; the claims are base64 of <see cref="Claims"/>.</summary>
    private const string Challenge =
        "Bearer authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"insufficient_claims\", claims=\"eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzI2MDc3NTk1In0sInhtc19jYWVlcnJvciI6eyJ2YWx1ZSI6IjEwMDEyIn19fQ==\"";

    private const string Claims = """{"access_token":{"nbf":{"essential":true,"value":"1726077595"},"xms_caeerror":{"value":"10012"}}}""";

    [Fact]
    public async Task Send_ClaimsChallenge_AcquiresWithTheClaimsAndResendsOnce()
    {
        var clients = new TestClients();
        var stub = clients.Stub((request, _) => request.Headers.Authorization?.Parameter == "token-2"
            ? TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson())
            : TestHandlerStub.Json(HttpStatusCode.Unauthorized, """{"code":"InvalidAuthenticationToken"}""", ("WWW-Authenticate", Challenge)));
        ImageServiceClient client = clients.Create(stub);

        ImageResponseBase image = await client.GetImageAsync("img:1");
        int requestsForTheCall = stub.Count;
        await client.GetImageAsync("img:1"); // no claims: the credential's cache answers with the token it issued for them

        Assert.Equal("img:1", image.Id);
        Assert.Equal(2, requestsForTheCall);
        Assert.Equal(new[] { "Bearer token-1", "Bearer token-2", "Bearer token-2" }, stub.Requests.Select(r => r.Header("Authorization")));
        Assert.Equal(new string?[] { null, Claims, null }, clients.Credential.Contexts.Select(c => c.Claims));
        Assert.All(clients.Credential.Contexts, c => Assert.True(c.IsCaeEnabled));
        Assert.Equal(stub.Requests[0].Header("x-ms-client-request-id"), clients.Credential.Contexts[1].ParentRequestId);
        Assert.Equal(2, clients.Credential.Minted);
    }

    [Fact]
    public async Task Send_ClaimsChallengeAgainAfterResend_SurfacesThe401()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.Unauthorized, "{}", ("WWW-Authenticate", Challenge)));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Equal(401, ex.Status);
        Assert.Equal(2, stub.Count);
        Assert.Equal(new string?[] { null, Claims }, clients.Credential.Contexts.Select(c => c.Claims));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer error=\"invalid_token\", error_description=\"The token expired\"")]
    [InlineData("Bearer error=\"insufficient_claims\", claims=\"not base64!\"")]
    [InlineData("Bearer error=\"insufficient_claims\"")]
    [InlineData("Basic realm=\"images\"")]
    public async Task Send_UnauthorizedWithoutClaimsChallenge_OneRequestAndTyped401(string? wwwAuthenticate)
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => wwwAuthenticate is null
            ? TestHandlerStub.Json(HttpStatusCode.Unauthorized, """{"code":"InvalidToken","message":"bad token"}""")
            : TestHandlerStub.Json(HttpStatusCode.Unauthorized, """{"code":"InvalidToken","message":"bad token"}""", ("WWW-Authenticate", wwwAuthenticate)));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Equal(401, ex.Status);
        Assert.Equal("InvalidToken", ex.ErrorCode);
        Assert.Equal(1, stub.Count);
        Assert.Equal(1, clients.Credential.Calls);
        Assert.DoesNotContain("token-", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<Exception> CredentialFailures() => new()
    {
        new AuthenticationFailedException("ClientSecretCredential authentication failed: AADSTS7000215: Invalid client secret provided."),
        new CredentialUnavailableException("EnvironmentCredential authentication unavailable. Environment variables are not fully configured."),
        new InvalidOperationException("The credential's token cache is corrupt."),
    };

    [Theory]
    [MemberData(nameof(CredentialFailures))]
    public async Task Send_CredentialThrows_SurfacesImageServiceExceptionWithTheCredentialsException(Exception failure)
    {
        var clients = new TestClients();
        clients.Credential.Failure = failure;
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Same(failure, ex.InnerException);
        Assert.Contains("token for the image service could not be acquired", ex.Message, StringComparison.Ordinal);
        Assert.Contains(failure.Message, ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(FakeCredential), ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, ex.Status);
        Assert.NotNull(ex.ClientRequestId);
        Assert.Equal(0, stub.Count);
        Assert.Equal(1, clients.Credential.Calls); // not retried: the credential has its own retries
    }

    [Fact]
    public async Task Send_CallerCancelsWhileCredentialWorks_StaysOperationCanceled()
    {
        var clients = new TestClients();
        clients.Credential.Gate = new TaskCompletionSource().Task; // never opens
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);
        using var cancellation = new CancellationTokenSource();

        Task<ImageResponseBase> call = client.GetImageAsync("img:1", cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(0, stub.Count);
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
