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
            clients.Apply(o);
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

    private static void Named(ImageServiceClientOptions options, TestClients clients, string endpoint, string workspace)
    {
        clients.Apply(options);
        options.Endpoint = new Uri(endpoint);
        options.Workspace = workspace;
    }

    [Fact]
    public async Task AddImageServiceClient_TwoNames_EachHasItsOwnOptionsChainAndTokenCache()
    {
        var staging = new TestClients();
        var production = new TestClients();
        var stagingStub = staging.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson("staged:1")));
        var productionStub = production.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson("live:1")));
        var services = new ServiceCollection();
        services.AddImageServiceClient("staging", o => Named(o, staging, "https://staging.example.test", "ws-staging"))
            .ConfigurePrimaryHttpMessageHandler(() => stagingStub);
        services.AddImageServiceClient("production", o => Named(o, production, "https://production.example.test", "ws-production"))
            .ConfigurePrimaryHttpMessageHandler(() => productionStub);
        using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();

        IImageServiceClientFactory factory = provider.GetRequiredService<IImageServiceClientFactory>();
        ImageResponseBase staged = await factory.CreateClient("staging").GetImageAsync("staged:1");
        ImageResponseBase live = await provider.GetRequiredKeyedService<ImageServiceClient>("production").GetImageAsync("live:1");
        await factory.CreateClient("staging").GetImageAsync("staged:1");

        Assert.Equal("staged:1", staged.Id);
        Assert.Equal("live:1", live.Id);
        Assert.All(stagingStub.Requests, r => Assert.StartsWith("https://staging.example.test/modelmanagement/v1.0/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/ws-staging/", r.Uri.AbsoluteUri, StringComparison.Ordinal));
        Assert.Equal("https://production.example.test/modelmanagement/v1.0/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/ws-production/images/live%3A1", Assert.Single(productionStub.Requests).Uri.AbsoluteUri);
        Assert.Equal(2, stagingStub.Count);
        Assert.Equal(1, staging.Credential.Calls); // one token cache per name, shared by every client of that name
        Assert.Equal(1, production.Credential.Calls);
        Assert.Null(provider.GetService<ImageServiceClient>()); // no client was registered without a name
    }

    [Fact]
    public async Task AddImageServiceClient_TwoNames_EachHasItsOwnCircuitBreaker()
    {
        var clients = new TestClients();
        var failingStub = clients.Stub((_, _) => TestHandlerStub.Status(HttpStatusCode.InternalServerError));
        var healthyStub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        void Breaker(ImageServiceClientOptions o)
        {
            o.MaxRetryAttempts = 0;
            o.CircuitBreakerEnabled = true;
            o.CircuitBreakerMinimumThroughput = 2;
            o.CircuitBreakerFailureRatio = 0.5;
        }

        var services = new ServiceCollection();
        services.AddImageServiceClient("failing", o => { Named(o, clients, "https://failing.example.test", "ws-1"); Breaker(o); })
            .ConfigurePrimaryHttpMessageHandler(() => failingStub);
        services.AddImageServiceClient("healthy", o => { Named(o, clients, "https://healthy.example.test", "ws-1"); Breaker(o); })
            .ConfigurePrimaryHttpMessageHandler(() => healthyStub);
        using ServiceProvider provider = services.BuildServiceProvider();
        IImageServiceClientFactory factory = provider.GetRequiredService<IImageServiceClientFactory>();

        for (int i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<ImageServiceException>(() => factory.CreateClient("failing").GetImageAsync("img:1"));
        }

        var open = await Assert.ThrowsAsync<ImageServiceException>(() => factory.CreateClient("failing").GetImageAsync("img:1"));
        ImageResponseBase image = await factory.CreateClient("healthy").GetImageAsync("img:1");

        Assert.IsType<Polly.CircuitBreaker.BrokenCircuitException>(open.InnerException);
        Assert.Equal("img:1", image.Id);
        Assert.Equal(1, healthyStub.Count);
    }

    [Fact]
    public void AddImageServiceClient_SameNameTwice_ThrowsAtRegistration()
    {
        var clients = new TestClients();
        var services = new ServiceCollection();
        services.AddImageServiceClient("staging", o => Named(o, clients, TestClients.Endpoint, "ws-1"));
        int registered = services.Count;

        var ex = Assert.Throws<InvalidOperationException>(() => services.AddImageServiceClient("staging", o => Named(o, clients, TestClients.Endpoint, "ws-2")));

        Assert.Contains("AddImageServiceClient was called twice for the ImageServiceClient named 'staging'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("services.Configure<ImageServiceClientOptions>(\"staging\", ...)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(registered, services.Count); // nothing half-registered
    }

    [Fact]
    public void AddImageServiceClient_UnnamedTwice_ThrowsAtRegistration()
    {
        var services = new ServiceCollection();
        services.AddImageServiceClient(new ConfigurationBuilder().Build());

        var ex = Assert.Throws<InvalidOperationException>(() => services.AddImageServiceClient(o => o.Workspace = "ws-2"));

        Assert.Contains("the ImageServiceClient registered without a name", ex.Message, StringComparison.Ordinal);
        Assert.Contains("services.AddImageServiceClient(\"name\", ...)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateClient_UnregisteredName_ThrowsListingTheRegisteredNames()
    {
        var clients = new TestClients();
        var services = new ServiceCollection();
        services.AddImageServiceClient(o => Named(o, clients, TestClients.Endpoint, "ws-1"));
        services.AddImageServiceClient("staging", o => Named(o, clients, TestClients.Endpoint, "ws-1"));
        using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IImageServiceClientFactory>().CreateClient("production"));

        Assert.Contains("No ImageServiceClient is registered under the name 'production' (registered: (no name), 'staging')", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateOnStart_NamedClientWithBadOptions_FailsNamingTheClient()
    {
        var clients = new TestClients();
        var services = new ServiceCollection();
        services.AddImageServiceClient("good", o => Named(o, clients, TestClients.Endpoint, "ws-1"));
        services.AddImageServiceClient("bad", o =>
        {
            Named(o, clients, TestClients.Endpoint, "ws-1");
            o.Workspace = null;
            o.MaxRetryAttempts = 42;
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal("bad", ex.OptionsName);
        Assert.Contains("Client 'bad': ImageServiceClientOptions.Workspace is required.", ex.Failures);
        Assert.Contains("Client 'bad': ImageServiceClientOptions.MaxRetryAttempts (42) must be between 0 and 10.", ex.Failures);
    }

    [Fact]
    public async Task AddImageServiceClient_NamedFromConfiguration_BindsThatSection()
    {
        var stub = new TestClients().Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ImageService:Staging:Endpoint"] = "https://staging.example.test",
            ["ImageService:Staging:SubscriptionId"] = "sub-s",
            ["ImageService:Staging:ResourceGroup"] = "rg-s",
            ["ImageService:Staging:Workspace"] = "ws-s",
            ["ImageService:Staging:MaxRetryAttempts"] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddImageServiceClient("staging", configuration.GetSection("ImageService:Staging")).ConfigurePrimaryHttpMessageHandler(() => stub);
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        await provider.GetRequiredService<IImageServiceClientFactory>().CreateClient("staging").GetImageAsync("img:1");

        Assert.Equal(2, provider.GetRequiredService<IOptionsMonitor<ImageServiceClientOptions>>().Get("staging").MaxRetryAttempts);
        Assert.StartsWith("https://staging.example.test/modelmanagement/v1.0/subscriptions/sub-s/resourceGroups/rg-s/", Assert.Single(stub.Requests).Uri.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddImageServiceClient_HandlerAddedOnTheReturnedBuilder_RunsInsideTheChainOncePerAttempt()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => i == 0 ? TestHandlerStub.Status(HttpStatusCode.ServiceUnavailable) : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        var probe = new ProbeHandler();
        var services = new ServiceCollection();
        services.AddImageServiceClient(clients.Apply).AddHttpMessageHandler(() => probe).ConfigurePrimaryHttpMessageHandler(() => stub);
        using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<ImageServiceClient>().GetImageAsync("img:1");

        // Inside the telemetry stage (the id is stamped), the resilience stage (it sees each attempt) and the
        // authentication stage (the token is set): between the SDK's chain and the transport, as before.
        Assert.Equal(2, probe.Seen.Count);
        Assert.All(probe.Seen, seen => Assert.Equal((stub.Requests[0].Header("x-ms-client-request-id"), "Bearer token-1"), seen));
    }

    [Fact]
    public async Task Resolve_AfterStart_DoesNotValidateTheSameOptionsInstanceAgain()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        using ServiceProvider provider = Build(clients, stub);
        provider.GetRequiredService<IStartupValidator>().Validate();
        ImageServiceClientOptions validated = provider.GetRequiredService<IOptionsMonitor<ImageServiceClientOptions>>().Get(Options.DefaultName);

        // The monitor validated this instance when it created it; a transient resolution only wraps it. (A change that
        // would fail validation is seen here only because the test edits the cached instance behind the monitor's back.)
        validated.PollingInterval = TimeSpan.Zero;
        ImageServiceClient client = provider.GetRequiredService<ImageServiceClient>();
        await client.GetImageAsync("img:1");

        Assert.Single(stub.Requests);
    }

    private sealed class ProbeHandler : DelegatingHandler
    {
        public List<(string? RequestId, string? Authorization)> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Add((
                request.Headers.TryGetValues("x-ms-client-request-id", out IEnumerable<string>? ids) ? ids.Single() : null,
                request.Headers.Authorization?.ToString()));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
