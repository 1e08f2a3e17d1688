using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;
using System.Threading.Tasks;
using ImageService.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ImageService.Emulator.Testing.Tests;

/// <summary>The fixture as an application's tests use it: the SDK client, aimed by the fixture, over loopback HTTP.</summary>
public sealed class EmulatedImageServiceTests
{
    [Fact]
    public async Task CreateClientOptions_ClientRunsTheLifecycleAgainstTheEmulator()
    {
        await using var service = await EmulatedImageService.StartAsync();
        ImageServiceClientOptions options = service.CreateClientOptions();
        Assert.Equal(service.Endpoint, options.Endpoint);
        Assert.True(options.Endpoint!.IsLoopback);
        Assert.Equal(service.Emulator.Workspace, options.Workspace);
        var client = new ImageServiceClient(options);

        CreateImageOperation operation = await client.StartCreateImageAsync(new DockerImageRequest { Name = "fixture", KvTags = new Dictionary<string, string> { ["team"] = "t" } });
        ImageResponseBase built = await operation.WaitForCompletionAsync();
        ImageResponseBase tagged = await client.AddTagsAsync(built.Id!, new Dictionary<string, string> { ["stage"] = "approved" });

        Assert.Equal(AsyncOperationState.Succeeded, built.CreationState);
        Assert.Equal("approved", tagged.KvTags!["stage"]);
        Assert.Equal("approved", service.Emulator.GetImage(built.Id!)!.KvTags["stage"]);
        Assert.All(service.Requests, r => Assert.Equal($"Bearer {service.Emulator.AccessToken}", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task ConfigureClient_ThroughDependencyInjection_ResolvesAClientAimedAtTheEmulator()
    {
        await using var service = await EmulatedImageService.StartAsync();
        var services = new ServiceCollection();
        services.AddImageServiceClient(service.ConfigureClient);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<ImageServiceClient>();
        await foreach (ImageResponseBase unused in client.ListImagesAsync())
        {
        }

        Assert.Single(service.Requests, r => r.Method == "GET" && r.PathAndQuery.Contains("/images", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InjectFault_MatchingRequests_FailedTheGivenTimesThenTheClientsRetrySucceeds()
    {
        await using var service = await EmulatedImageService.StartAsync();
        EmulatedImage seeded = await service.SeedImageAsync(new ImageSeed("flaky"));
        InjectedFault throttled = service.InjectFault(EmulatorFault.TooManyRequests, times: 2, method: "GET", pathContains: "/images/");
        var client = service.CreateClient();

        ImageResponseBase image = await client.GetImageAsync(seeded.Id);

        Assert.Equal(seeded.Id, image.Id);
        Assert.Equal(2, throttled.Applied);
        Assert.False(throttled.IsArmed);
        Assert.Equal([429, 429, 200], service.Requests.Where(r => r.PathAndQuery.Contains("/images/", StringComparison.Ordinal)).Select(r => r.StatusCode));
    }

    [Fact]
    public async Task InjectFault_OtherMethodOrPath_NotApplied()
    {
        await using var service = await EmulatedImageService.StartAsync();
        InjectedFault fault = service.InjectFault(EmulatorFault.InternalServerError, method: "DELETE");
        var client = service.CreateClient();

        await foreach (ImageResponseBase unused in client.ListImagesAsync())
        {
        }

        Assert.Equal(0, fault.Applied);
        Assert.True(fault.IsArmed);
    }

    [Fact]
    public async Task InjectFault_Disposed_NoLongerApplied()
    {
        await using var service = await EmulatedImageService.StartAsync();
        EmulatedImage seeded = await service.SeedImageAsync(new ImageSeed("calm"));
        InjectedFault fault = service.InjectFault(EmulatorFault.ServiceUnavailable, times: 5);
        fault.Dispose();

        ImageResponseBase image = await service.CreateClient().GetImageAsync(seeded.Id);

        Assert.Equal(seeded.Id, image.Id);
        Assert.Equal(0, fault.Applied);
        Assert.All(service.Requests, r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task InjectFault_ProcessedThenFailed_TheServiceActedOnce()
    {
        // A create answered 500 after it was processed: the client does not retry a create, and the image exists.
        await using var service = await EmulatedImageService.StartAsync();
        service.InjectFault(EmulatorFault.InternalServerErrorAfterProcessing, method: "POST");

        var error = await Assert.ThrowsAsync<ImageServiceException>(() => service.CreateClient().StartCreateImageAsync(new DockerImageRequest { Name = "acted" }));

        Assert.Equal(500, error.Status);
        Assert.Equal(1, service.Emulator.CountImages("acted"));
    }

    [Fact]
    public async Task SeedImageAsync_BuildFailed_ClientSeesAFailedImageWithItsError()
    {
        await using var service = await EmulatedImageService.StartAsync();
        var seed = new ImageSeed("broken") { Description = "seeded", ImageFlavor = "BatchContainer", BuildFailed = true };
        seed.Tags["team"] = "t";
        seed.Properties["p"] = "1";
        seed.ModelIds.Add("sklearn-model:1");

        EmulatedImage seeded = await service.SeedImageAsync(seed);
        ImageResponseBase image = await service.CreateClient().GetImageAsync(seeded.Id, new ImageGetOptions { Expand = true });

        Assert.Equal("broken:1", seeded.Id);
        Assert.Equal(AsyncOperationState.Failed, image.CreationState);
        Assert.Equal("ImageBuildFailed", image.Error!.Code);
        Assert.Equal("seeded", image.Description);
        Assert.Equal(ImageFlavor.BatchContainer, image.ImageFlavor);
        Assert.Equal("t", image.KvTags!["team"]);
        Assert.Equal("1", image.Properties!["p"]);
        Assert.Equal("sklearn-model:1", Assert.Single(image.ModelDetails!).Id);
    }

    [Fact]
    public async Task SeedImageAsync_Twice_VersionsFollowAndTheBuildSucceeded()
    {
        await using var service = await EmulatedImageService.StartAsync();

        EmulatedImage first = await service.SeedImageAsync(new ImageSeed("versioned"));
        EmulatedImage second = await service.SeedImageAsync(new ImageSeed("versioned"));

        Assert.Equal(["versioned:1", "versioned:2"], new[] { first.Id, second.Id });
        Assert.All(new[] { first, second }, i => Assert.Equal("Succeeded", i.CreationState));
        ImageResponseBase image = await service.CreateClient().GetImageAsync(second.Id);
        Assert.StartsWith("emulatorregistry.azurecr.io/versioned:2", image.ImageLocation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X", "name")]
    [InlineData("ok-name", "imageFlavor")]
    [InlineData("no-model", "modelIds")]
    public async Task SeedImageAsync_NotAValidCreate_ThrowsNamingTheField(string name, string field)
    {
        await using var service = await EmulatedImageService.StartAsync();
        var seed = new ImageSeed(name) { ImageFlavor = field == "imageFlavor" ? "Toaster" : "WebApiContainer" };
        if (field == "modelIds")
        {
            seed.ModelIds.Add("missing:1");
        }

        var error = await Assert.ThrowsAsync<ArgumentException>(() => service.SeedImageAsync(seed));

        Assert.Contains($"({field})", error.Message, StringComparison.Ordinal);
        Assert.Empty(service.Emulator.Images);
    }

    [Fact]
    public async Task StartAsync_TwoServices_HaveTheirOwnPortAndState()
    {
        await using var one = await EmulatedImageService.StartAsync();
        await using var two = await EmulatedImageService.StartAsync();

        await one.SeedImageAsync(new ImageSeed("only-in-one"));

        Assert.NotEqual(one.Endpoint, two.Endpoint);
        Assert.Single(one.Emulator.Images);
        Assert.Empty(two.Emulator.Images);
    }

    [Fact]
    public async Task DisposeAsync_StopsListening()
    {
        var service = await EmulatedImageService.StartAsync();
        Uri endpoint = service.Endpoint;

        await service.DisposeAsync();

        using var socket = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(endpoint.Host, endpoint.Port));
    }
}
