using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageService.Client.Tests.DependencyInjection;

public class ImageServiceServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(TestClients clients, TestHandlerStub stub, Action<ImageServiceClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddImageServiceClient(o =>
        {
            o.Endpoint = new Uri(TestClients.Endpoint);
            o.SubscriptionId = "sub-1";
            o.ResourceGroup = "rg-1";
            o.Workspace = "ws-1";
            o.Credential = clients.Credential;
            o.TimeProvider = clients.Time;
            o.BaseDelay = TimeSpan.Zero;
            configure?.Invoke(o);
        }).ConfigurePrimaryHttpMessageHandler(() => stub);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddImageServiceClient_Resolve_UsesTheFullHandlerChain()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => i == 0 ? TestHandlerStub.Status(HttpStatusCode.ServiceUnavailable) : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        using ServiceProvider provider = Build(clients, stub);

        ImageServiceClient client = provider.GetRequiredService<ImageServiceClient>();
        ImageResponseBase image = await client.GetImageAsync("img:1");

        Assert.Equal("img:1", image.Id);
        Assert.Equal(2, stub.Count); // retried by the resilience handler
        Assert.All(stub.Requests, r => Assert.Equal("Bearer token-1", r.Header("Authorization")));
        Assert.Equal(stub.Requests[0].Header("x-ms-client-request-id"), stub.Requests[1].Header("x-ms-client-request-id"));
        Assert.StartsWith("ImageService.Client/", stub.Requests[0].Header("User-Agent"), StringComparison.Ordinal);
        Assert.Equal(TestClients.Endpoint.TrimEnd('/') + TestClients.Workspace + "/images/img%3A1", stub.Requests[0].Uri.GetLeftPart(UriPartial.Path));
    }

    [Fact]
    public async Task AddImageServiceClient_PostNotRetriedAfter500_SameAsStandalone()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Status(HttpStatusCode.InternalServerError));
        using ServiceProvider provider = Build(clients, stub);
        ImageServiceClient client = provider.GetRequiredService<ImageServiceClient>();

        await Assert.ThrowsAsync<ImageServiceException>(() => client.StartCreateImageAsync(new DockerImageRequest { Name = "img", ImageFlavor = ImageFlavor.WebApiContainer }));

        Assert.Equal(1, stub.Count);
    }

    [Fact]
    public async Task AddImageServiceClient_TokenCache_SharedAcrossResolvedClients()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        using ServiceProvider provider = Build(clients, stub);

        await provider.GetRequiredService<ImageServiceClient>().GetImageAsync("img:1");
        await provider.GetRequiredService<ImageServiceClient>().GetImageAsync("img:1");

        Assert.Equal(1, clients.Credential.Calls);
    }

    [Fact]
    public void AddImageServiceClient_HttpClientTimeout_IsInfinite()
    {
        var clients = new TestClients();
        using ServiceProvider provider = Build(clients, clients.Stub((_, _) => TestHandlerStub.Status(HttpStatusCode.OK)));

        HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ImageServiceClient));

        Assert.Equal(Timeout.InfiniteTimeSpan, http.Timeout);
        Assert.Equal(new Uri(TestClients.Endpoint), http.BaseAddress);
    }

    [Fact]
    public void ValidateOnStart_BadOptions_FailsNamingOptionAndValue()
    {
        var clients = new TestClients();
        using ServiceProvider provider = Build(clients, clients.Stub((_, _) => TestHandlerStub.Status(HttpStatusCode.OK)), o => o.MaxRetryAttempts = 42);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("ImageServiceClientOptions.MaxRetryAttempts (42) must be between 0 and 10.", ex.Failures);
    }

    [Fact]
    public void ValidateOnStart_MissingRequired_FailsThroughDataAnnotations()
    {
        var clients = new TestClients();
        using ServiceProvider provider = Build(clients, clients.Stub((_, _) => TestHandlerStub.Status(HttpStatusCode.OK)), o => o.Workspace = null);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.Contains("ImageServiceClientOptions.Workspace is required.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddImageServiceClient_FromConfiguration_BindsOptions()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Endpoint"] = "https://configured.example.test",
            ["SubscriptionId"] = "sub-c",
            ["ResourceGroup"] = "rg-c",
            ["Workspace"] = "ws-c",
            ["MaxRetryAttempts"] = "1",
        }).Build();
        var services = new ServiceCollection();
        services.AddImageServiceClient(configuration).ConfigurePrimaryHttpMessageHandler(() => stub);
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        await provider.GetRequiredService<ImageServiceClient>().GetImageAsync("img:1");

        Assert.Equal(1, provider.GetRequiredService<IOptions<ImageServiceClientOptions>>().Value.MaxRetryAttempts);
        Assert.Equal("https://configured.example.test/modelmanagement/v1.0/subscriptions/sub-c/resourceGroups/rg-c/providers/Microsoft.MachineLearningServices/workspaces/ws-c/images/img%3A1", stub.Requests.Single().Uri.GetLeftPart(UriPartial.Path));
        Assert.Null(stub.Requests[0].Header("Authorization"));
    }
}
