using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;
using ImageService.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageService.Client.IntegrationTests.DependencyInjection;

/// <summary>
/// Two named clients in one container, against two emulators that accept different tokens and host different
/// workspaces: each client talks to its own emulator only, resolved by name and by key.
/// </summary>
public sealed class NamedClientsTests : IAsyncLifetime
{
    private ImageServiceEmulator _staging = null!;
    private ImageServiceEmulator _production = null!;

    public async Task InitializeAsync()
    {
        _staging = await ImageServiceEmulator.StartAsync(new EmulatorOptions
        {
            Token = "staging-token",
            Workspace = "staging-ws",
            BuildStepDuration = TimeSpan.FromMilliseconds(10),
        });
        _production = await ImageServiceEmulator.StartAsync(new EmulatorOptions
        {
            Token = "production-token",
            Workspace = "production-ws",
            BuildStepDuration = TimeSpan.FromMilliseconds(10),
        });
    }

    public async Task DisposeAsync()
    {
        await _staging.DisposeAsync();
        await _production.DisposeAsync();
    }

    [Fact]
    public async Task TwoNamedClients_TwoEmulators_EachTalksOnlyToItsOwn()
    {
        var stagingCredential = new StaticTokenCredential(_staging.AccessToken);
        var productionCredential = new StaticTokenCredential(_production.AccessToken);
        var services = new ServiceCollection();
        services.AddImageServiceClient("staging", options => UseEmulator(options, _staging, stagingCredential));
        services.AddImageServiceClient("production", options => UseEmulator(options, _production, productionCredential));
        services.AddTransient<Deployer>();
        using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();

        ImageServiceClient byName = provider.GetRequiredService<IImageServiceClientFactory>().CreateClient("staging");
        Deployer byKey = provider.GetRequiredService<Deployer>();
        ImageResponseBase staged = await byName.CreateImageAsync(Request("named-staging"));
        ImageResponseBase live = await byKey.Production.CreateImageAsync(Request("named-production"));
        var stagingIds = (await byKey.Staging.ListImagesAsync().ToListAsync()).Select(i => i.Id).ToList();
        var productionIds = (await byKey.Production.ListImagesAsync().ToListAsync()).Select(i => i.Id).ToList();

        Assert.Equal("named-staging:1", staged.Id);
        Assert.Equal("named-production:1", live.Id);
        Assert.Equal(["named-staging:1"], stagingIds);
        Assert.Equal(["named-production:1"], productionIds);
        Assert.Equal(["named-staging"], _staging.Images.Select(i => i.Name));
        Assert.Equal(["named-production"], _production.Images.Select(i => i.Name));
        AssertOnlyOwnWorkspaceAndToken(_staging, "staging-ws", "Bearer staging-token");
        AssertOnlyOwnWorkspaceAndToken(_production, "production-ws", "Bearer production-token");
        Assert.Equal(1, stagingCredential.Calls); // one token cache per name
        Assert.Equal(1, productionCredential.Calls);
        Assert.Null(provider.GetService<ImageServiceClient>()); // nothing registered without a name
    }

    private static void AssertOnlyOwnWorkspaceAndToken(ImageServiceEmulator emulator, string workspace, string authorization)
    {
        IReadOnlyList<RecordedRequest> requests = emulator.Requests;
        Assert.NotEmpty(requests);
        Assert.All(requests, r =>
        {
            Assert.Contains($"/workspaces/{workspace}/", r.PathAndQuery, StringComparison.Ordinal);
            Assert.Equal(200, r.StatusCode / 100 * 100);
            Assert.Equal(authorization, r.Headers.TryGetValue("Authorization", out string? value) ? value : null);
        });
    }

    private static void UseEmulator(ImageServiceClientOptions options, ImageServiceEmulator emulator, StaticTokenCredential credential)
    {
        ClientHost.UseEmulator(options, emulator);
        options.Credential = credential;
        options.PollingInterval = TimeSpan.FromMilliseconds(20); // the default timeouts stay: a create is not retried after a timeout
    }

    private static DockerImageRequest Request(string name) => new()
    {
        Name = name,
        ImageFlavor = ImageFlavor.WebApiContainer,
        KvTags = new Dictionary<string, string>(),
    };

    /// <summary>An application service that takes both clients by key, the way an app would.</summary>
    private sealed class Deployer(
        [FromKeyedServices("staging")] ImageServiceClient staging,
        [FromKeyedServices("production")] ImageServiceClient production)
    {
        public ImageServiceClient Staging { get; } = staging;

        public ImageServiceClient Production { get; } = production;
    }
}
