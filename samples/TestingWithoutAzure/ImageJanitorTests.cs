// Tests of the application's code against the emulator, in process: no Azure account, no network, no mock.
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageService.Client;
using ImageService.Emulator;
using ImageService.Emulator.Testing;
using Xunit;

namespace ImageService.Samples.TestingWithoutAzure;

public sealed class ImageJanitorTests
{
    [Fact]
    public async Task DeleteFailedBuilds_ThroughAnOutage_DeletesOnlyTheFailedImage()
    {
        #region Snippet:TestingWithoutAzure
        // An image service on a free loopback port, in this process, with two versions of an image already built.
        await using EmulatedImageService service = await EmulatedImageService.StartAsync();
        EmulatedImage good = await service.SeedImageAsync(new ImageSeed("churn-model") { Tags = { ["team"] = "forecasting" } });
        EmulatedImage broken = await service.SeedImageAsync(new ImageSeed("churn-model") { BuildFailed = true });

        // The service is briefly unavailable: the first DELETE is answered 503 (with Retry-After), as Azure may.
        InjectedFault outage = service.InjectFault(EmulatorFault.ServiceUnavailable, times: 1, method: "DELETE");

        // The code under test, with a client the emulator's options point at it.
        var janitor = new ImageJanitor(new ImageServiceClient(service.CreateClientOptions()));
        IReadOnlyList<string> deleted = await janitor.DeleteFailedBuildsAsync("churn-model");

        // What the service now holds, and what it received.
        Assert.Equal([broken.Id], deleted);
        Assert.NotNull(service.Emulator.GetImage(good.Id));
        Assert.Null(service.Emulator.GetImage(broken.Id));
        Assert.Equal(1, outage.Applied);
        Assert.Equal(2, service.Requests.Count(r => r.Method == "DELETE")); // the 503, then the client's retry
        #endregion
    }

    [Fact]
    public async Task DeleteFailedBuilds_NoFailedImage_DeletesNothing()
    {
        await using EmulatedImageService service = await EmulatedImageService.StartAsync();
        await service.SeedImageAsync(new ImageSeed("churn-model"));

        var janitor = new ImageJanitor(new ImageServiceClient(service.CreateClientOptions()));

        Assert.Empty(await janitor.DeleteFailedBuildsAsync("churn-model"));
        Assert.DoesNotContain(service.Requests, r => r.Method == "DELETE");
    }
}
