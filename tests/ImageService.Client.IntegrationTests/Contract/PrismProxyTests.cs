using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;
using ImageService.Emulator;

namespace ImageService.Client.IntegrationTests.Contract;

/// <summary>
/// The emulator behind <c>prism proxy openapi/images.yaml &lt;emulator&gt; --errors</c>: the SDK drives the whole
/// lifecycle through Prism, which checks every request and every emulator answer against the spec. Any violation
/// (a validator log line or an <c>sl-violations</c> header) fails the test.
/// </summary>
public sealed class PrismProxyTests : IAsyncLifetime
{
    private readonly RecordingHandler _recorder = new();
    private readonly PausableClock _clock = new();
    private ImageServiceEmulator _emulator = null!;
    private PrismProcess _prism = null!;

    public async Task InitializeAsync()
    {
        _emulator = await ImageServiceEmulator.StartAsync(new EmulatorOptions { BuildStepDuration = TimeSpan.FromMilliseconds(20), TimeProvider = _clock });
        _prism = await PrismProcess.ProxyAsync(_emulator.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _prism.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task FullLifecycle_ThroughValidationProxy_EmulatorAnswersConformToTheSpec()
    {
        try
        {
            await RunLifecycleAsync();
        }
        catch (ImageServiceException ex)
        {
            RecordedExchange? last = _recorder.Last;
            Assert.Fail($"{ex.Message}\nlast exchange: {last?.Method} {last?.Uri} -> {last?.Status} {last?.ResponseBody}\n"
                + string.Join("\n", PrismViolations.InLog(_prism.Output).Concat(PrismViolations.InHeaders(_recorder.Exchanges)).Distinct().Take(20)));
        }
    }

    private async Task RunLifecycleAsync()
    {
        using ClientHost host = ClientHost.ForEmulator(
            _emulator,
            options =>
            {
                // Prism compiles its validators on the first call: give each attempt time.
                options.AttemptTimeout = TimeSpan.FromSeconds(20);
                options.TotalRequestTimeout = TimeSpan.FromSeconds(40);
                options.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(40);

                // Prism forwards with the upstream's Host, so the emulator's nextLink and Operation-Location name the
                // emulator's origin: trust it (the README's remedy), and route those links back through Prism below.
                options.AdditionalAllowedOrigins.Add(_emulator.BaseAddress);
            },
            endpoint: _prism.BaseAddress,
            handlers: [() => new RouteThroughProxyHandler(_emulator.BaseAddress, _prism.BaseAddress), _recorder.Factory]);
        ImageServiceClient client = host.Client;
        var failures = new List<string>();

        // Create two versions and a second image, waiting through the operation polls.
        DockerImageRequest request = PrismMockTests.NewImage();
        request.Name = "proxy-image";
        ImageResponseBase first = await client.CreateImageAsync(request);
        ImageResponseBase second = await client.CreateImageAsync(request);
        request.Name = "proxy-other";
        request.KvTags = new Dictionary<string, string> { ["emulator.build"] = "fail" };
        failures.AddRange(await ExpectErrorAsync(() => client.CreateImageAsync(request), "a failed build"));

        // Records with nulls, as the service sends them (Prism checks each null against the spec's nullable fields):
        // an image still building, one created with nothing optional (no description, tags, models, assets, runtime),
        // the failed one, an FPGA one, and models with a run and without one (expand).
        // The emulator's clock stands still while the image is read: on a loaded machine two 20 ms build steps pass
        // between two requests through Prism, and the image would no longer be building.
        _clock.Pause();
        CreateImageOperation building = await client.StartCreateImageAsync(new DockerImageRequest { Name = "proxy-bare", ImageFlavor = ImageFlavor.WebApiContainer });
        AsyncOperationStatus justStarted = await building.UpdateStatusAsync();
        ImageResponseBase stillBuilding = await client.GetImageAsync(justStarted.ResourceLocation!.Split('/')[^1]);
        _clock.Resume();
        ImageResponseBase bare = await building.WaitForCompletionAsync();
        ImageResponseBase failedImage = await client.GetImageAsync("proxy-other:1");
        ImageResponseBase fpga = await client.CreateImageAsync(new DockerImageRequest { Name = "proxy-fpga", ImageFlavor = ImageFlavor.AccelContainer, ModelIds = ["onnx-resnet:1", "onnx-resnet:2"] });
        var expanded = new List<ImageResponseBase>();
        await foreach (ImageResponseBase image in client.ListImagesAsync(new ImageListOptions { Expand = true, PageSize = 2 }))
        {
            expanded.Add(image);
        }

        // Read: get, list with every filter, paging through nextLink, the operation.
        string firstId = first.Id!;
        ImageResponseBase got = await client.GetImageAsync(firstId);
        var filter = new ImageListOptions { Name = "proxy-image", ModelId = "sklearn-model:1", ModelName = "sklearn-model", Description = request.Description, OrderBy = ImageOrderBy.CreatedAtAsc, PageSize = 1, Expand = true };
        filter.Tags["team"] = "forecasting";
        filter.Properties["createdBy"] = null;
        var listed = new List<ImageResponseBase>();
        await foreach (ImageResponseBase image in client.ListImagesAsync(filter))
        {
            listed.Add(image);
        }

        var all = new List<ImageResponseBase>();
        await foreach (ImageResponseBase image in client.ListImagesAsync())
        {
            all.Add(image);
        }

        AsyncOperationStatus operation = await client.GetOperationAsync(first.OperationId!);

        // Write: every patch convenience, then delete (200, then 204), plus errors the spec describes.
        await client.UpdateImageAsync(firstId, new ImagePatch().ReplaceDescription("patched").ReplaceTags(new Dictionary<string, string> { ["stage"] = "dev" }));
        await client.UpdateTagsAsync(firstId, new Dictionary<string, string> { ["stage"] = "prod" });
        await client.AddTagsAsync(firstId, new Dictionary<string, string> { ["owner"] = "alice" });
        await client.RemoveTagsAsync(firstId, ["owner"]);
        await client.AddPropertiesAsync(firstId, new Dictionary<string, string> { ["reviewedBy"] = "bob" });
        failures.AddRange(await ExpectErrorAsync(() => client.GetImageAsync("proxy-missing:9"), "a missing image"));

        // Profiles.
        var profileOperation = await client.StartCreateProfileAsync(firstId, new ProfileRequestBase { Name = "proxy-profile", InputData = "{\"data\": [[1.0]]}" });
        ProfileResponse profile = await profileOperation.WaitForCompletionAsync();
        var profiles = new List<ProfileResponse>();
        await foreach (ProfileResponse p in client.ListProfilesAsync(firstId))
        {
            profiles.Add(p);
        }

        ProfileResponse gotProfile = await client.GetProfileAsync(firstId, profile.Name!);
        var failingProfile = await client.StartCreateProfileAsync(firstId, new ProfileRequestBase { Name = "proxy-failing", KvTags = new Dictionary<string, string> { ["emulator.profile"] = "fail" } });
        failures.AddRange(await ExpectErrorAsync(() => failingProfile.WaitForCompletionAsync(), "a failed profiling run"));
        ProfileResponse failedProfile = await client.GetProfileAsync(firstId, "proxy-failing");

        bool deleted = await client.DeleteImageAsync(second.Id!);
        bool deletedAgain = await client.DeleteImageAsync(second.Id!);

        Assert.Equal(firstId, got.Id);
        Assert.Equal("proxy-image:1,proxy-image:2", string.Join(",", listed.Select(i => i.Id)));
        Assert.Equal(5, all.Count);
        Assert.Null(stillBuilding.ImageLocation);
        Assert.Null(bare.Description);
        Assert.Null(bare.KvTags);
        Assert.NotNull(failedImage.Error);
        Assert.IsType<FPGADockerImageResponse>(fpga);
        Assert.Equal(5, expanded.Count);
        Assert.Contains(expanded.SelectMany(i => i.ModelDetails ?? []), m => m.RunId is null && m.CreatedBy is not null);
        Assert.Contains(expanded.SelectMany(i => i.ModelDetails ?? []), m => m.RunId is not null && m.CreatedBy is not null);
        Assert.NotNull(failedProfile.Error);
        Assert.Null(failedProfile.RecommendedCpu);
        Assert.Equal(AsyncOperationState.Succeeded, operation.State);
        Assert.Equal("proxy-profile", gotProfile.Name);
        Assert.Single(profiles); // listed before the failing profile was created
        Assert.True(deleted);
        Assert.False(deletedAgain);

        IReadOnlyList<RecordedExchange> exchanges = _recorder.Exchanges;
        Assert.All(exchanges, e => Assert.StartsWith(_prism.BaseAddress.AbsoluteUri, e.Uri.AbsoluteUri, StringComparison.Ordinal));
        IReadOnlyList<string> logged = PrismViolations.InLog(_prism.Output);
        IReadOnlyList<string> flagged = PrismViolations.InHeaders(exchanges);
        Figures.Set("contract", "proxyCalls", exchanges.Count);
        Figures.Set("contract", "proxyViolations", logged.Count + flagged.Count);
        Assert.True(logged.Count == 0 && flagged.Count == 0,
            $"Prism found {logged.Count + flagged.Count} violation(s) in {exchanges.Count} exchanges:\n" + string.Join("\n", logged.Concat(flagged).Distinct().Take(20)));
        Assert.Empty(failures);
        Assert.True(exchanges.Count >= 25, $"only {exchanges.Count} exchanges went through Prism");
    }

    /// <summary>Sends a request aimed at the emulator's origin (a nextLink) to Prism instead, so Prism sees every exchange.</summary>
    private sealed class RouteThroughProxyHandler(Uri emulator, Uri prism) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri is { } uri && uri.Authority == emulator.Authority)
            {
                request.RequestUri = new UriBuilder(uri) { Host = prism.Host, Port = prism.Port }.Uri;
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private static async Task<IEnumerable<string>> ExpectErrorAsync(Func<Task> call, string what)
    {
        try
        {
            await call();
            return [$"{what} did not fail"];
        }
        catch (ImageServiceException)
        {
            return [];
        }
    }

    /// <summary>The system clock, except that it can stand still (and then goes on from where it stopped).</summary>
    private sealed class PausableClock : TimeProvider
    {
        private readonly Lock _gate = new();
        private TimeSpan _pausedFor;
        private DateTimeOffset? _stoppedAt;

        public override DateTimeOffset GetUtcNow()
        {
            lock (_gate)
            {
                return _stoppedAt ?? System.GetUtcNow() - _pausedFor;
            }
        }

        public void Pause()
        {
            lock (_gate)
            {
                _stoppedAt ??= System.GetUtcNow() - _pausedFor;
            }
        }

        public void Resume()
        {
            lock (_gate)
            {
                if (_stoppedAt is { } stoppedAt)
                {
                    _pausedFor = System.GetUtcNow() - stoppedAt;
                    _stoppedAt = null;
                }
            }
        }
    }
}
