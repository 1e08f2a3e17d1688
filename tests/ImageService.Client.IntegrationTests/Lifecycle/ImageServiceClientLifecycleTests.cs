using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;
using ImageService.Emulator;

namespace ImageService.Client.IntegrationTests.Lifecycle;

/// <summary>The client's whole surface against the emulator over loopback HTTP, through the DI-built handler chain.</summary>
public sealed class ImageServiceClientLifecycleTests : IAsyncLifetime
{
    private ImageServiceEmulator _emulator = null!;
    private ClientHost _host = null!;

    private ImageServiceClient Client => _host.Client;

    public async Task InitializeAsync()
    {
        _emulator = await ImageServiceEmulator.StartAsync(new EmulatorOptions { BuildStepDuration = TimeSpan.FromMilliseconds(20) });
        _host = ClientHost.ForEmulator(_emulator, Patient);
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task CreateImageAsync_TwoCreatesOfOneName_BuildsConsecutiveVersionsOnce()
    {
        ImageResponseBase first = await Client.CreateImageAsync(Request("lifecycle-create"));
        ImageResponseBase second = await Client.CreateImageAsync(Request("lifecycle-create"));

        var image = Assert.IsType<DockerImageResponse>(first);
        Assert.Equal("lifecycle-create:1", image.Id);
        Assert.Equal(AsyncOperationState.Succeeded, image.CreationState);
        Assert.Equal("driver", image.DriverProgram);
        Assert.Equal("lifecycle-create:2", second.Id);
        Assert.Equal(2, _emulator.CountImages("lifecycle-create"));
    }

    [Fact]
    public async Task CreateImageAsync_RequestWithNameOnly_BuildsAWebApiContainer()
    {
        ImageResponseBase image = await Client.CreateImageAsync(new DockerImageRequest { Name = "lifecycle-defaults" });

        Assert.IsType<DockerImageResponse>(image);
        Assert.Equal(ImageFlavor.WebApiContainer, image.ImageFlavor);
        Assert.Equal(ImageType.Docker, image.ImageType);
        Assert.Equal(AsyncOperationState.Succeeded, image.CreationState);
    }

    [Fact]
    public async Task WaitForCompletionAsync_WithProgress_ReportsStatesUpToSucceeded()
    {
        CreateImageOperation operation = await Client.StartCreateImageAsync(Request("lifecycle-progress"));
        var states = new List<AsyncOperationState?>();
        var progress = new SynchronousProgress<AsyncOperationStatus>(s => states.Add(s.State));

        ImageResponseBase image = await operation.WaitForCompletionAsync(progress);

        Assert.True(operation.HasCompleted);
        Assert.Same(image, operation.Value);
        Assert.Equal(AsyncOperationState.Succeeded, states[^1]);
        Assert.DoesNotContain(AsyncOperationState.Failed, states);
        Assert.Equal("lifecycle-progress:1", image.Id);
    }

    [Fact]
    public async Task GetCreateImageOperation_InAnotherClient_ResumesFromTheIdAlone()
    {
        string operationId;
        using (ClientHost starter = ClientHost.ForEmulator(_emulator, Patient))
        {
            CreateImageOperation started = await starter.Client.StartCreateImageAsync(Request("lifecycle-resume"));
            operationId = started.Id;
        }

        CreateImageOperation resumed = Client.GetCreateImageOperation(operationId);
        ImageResponseBase image = await resumed.WaitForCompletionAsync();

        Assert.Equal(operationId, resumed.Id);
        Assert.Equal("lifecycle-resume:1", image.Id);
        Assert.Equal(1, _emulator.CountImages("lifecycle-resume"));
    }

    [Fact]
    public async Task WaitForCompletionAsync_FailedBuild_ThrowsWithErrorLogAndBuildLogUri()
    {
        DockerImageRequest request = Request("lifecycle-fails");
        request.KvTags!["emulator.build"] = "fail";
        CreateImageOperation operation = await Client.StartCreateImageAsync(request);

        ImageServiceException failure = await Assert.ThrowsAsync<ImageServiceException>(() => operation.WaitForCompletionAsync());

        Assert.Equal(operation.Id, failure.OperationId);
        Assert.NotNull(failure.Error);
        Assert.False(string.IsNullOrEmpty(failure.OperationLog));
        Assert.NotNull(failure.BuildLogUri);
        Assert.Equal(_emulator.GetImage("lifecycle-fails:1")!.OperationId, operation.Id);
        Assert.Contains("lifecycle-fails", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListImagesAsync_SmallPages_ReturnsEveryMatchingImageOnceAndResumesInANewClient()
    {
        for (int i = 0; i < 5; i++)
        {
            await Client.CreateImageAsync(Request("lifecycle-paged"));
        }

        await Client.CreateImageAsync(Request("lifecycle-other"));
        var filter = new ImageListOptions { Name = "lifecycle-paged", PageSize = 2, OrderBy = ImageOrderBy.CreatedAtAsc };

        var all = new List<string>();
        await foreach (ImageResponseBase image in Client.ListImagesAsync(filter))
        {
            all.Add(image.Id!);
        }

        ImageServicePage<ImageResponseBase> firstPage = await Client.ListImagesAsync(filter).AsPages().FirstAsync();
        var resumed = new List<string>(firstPage.Values.Select(i => i.Id!));
        using (ClientHost later = ClientHost.ForEmulator(_emulator, Patient))
        {
            await foreach (ImageServicePage<ImageResponseBase> page in later.Client.ListImagesAsync(filter).AsPages(firstPage.ContinuationToken))
            {
                resumed.AddRange(page.Values.Select(i => i.Id!));
            }
        }

        string[] expected = [.. Enumerable.Range(1, 5).Select(v => $"lifecycle-paged:{v}")];
        Assert.Equal(expected, all);
        Assert.Equal(expected, resumed);
        Assert.NotNull(firstPage.ContinuationToken);
    }

    [Fact]
    public async Task ListImagesAsync_TagPropertyAndModelFilters_SelectOnlyMatchingImages()
    {
        DockerImageRequest tagged = Request("lifecycle-filter");
        tagged.KvTags!["team"] = "risk";
        tagged.Properties = new Dictionary<string, string> { ["commit"] = "abc" };
        await Client.CreateImageAsync(tagged);
        await Client.CreateImageAsync(Request("lifecycle-filter"));

        var byTagValue = new ImageListOptions { Name = "lifecycle-filter" };
        byTagValue.Tags["team"] = "risk";
        var byTagKey = new ImageListOptions { Name = "lifecycle-filter" };
        byTagKey.Tags["team"] = null;
        var byProperty = new ImageListOptions { Name = "lifecycle-filter" };
        byProperty.Properties["commit"] = "abc";
        var byModel = new ImageListOptions { Name = "lifecycle-filter", ModelId = "sklearn-model:1", Version = "2" };

        Assert.Equal(["lifecycle-filter:1"], await IdsAsync(byTagValue));
        Assert.Equal(["lifecycle-filter:1"], await IdsAsync(byTagKey));
        Assert.Equal(["lifecycle-filter:1"], await IdsAsync(byProperty));
        Assert.Equal(["lifecycle-filter:2"], await IdsAsync(byModel));
    }

    [Fact]
    public async Task ListImagesAsync_Expand_FillsModelDetails()
    {
        await Client.CreateImageAsync(Request("lifecycle-expand"));

        ImageResponseBase image = await Client.ListImagesAsync(new ImageListOptions { Name = "lifecycle-expand", Expand = true }).FirstAsync();

        Assert.Equal("sklearn-model", Assert.Single(image.ModelDetails!).Name);
    }

    [Fact]
    public async Task GetImageAsync_Expand_FillsModelDetailsOnlyWhenAsked()
    {
        string id = (await Client.CreateImageAsync(Request("lifecycle-get-expand"))).Id!;

        ImageResponseBase expanded = await Client.GetImageAsync(id, new ImageGetOptions { Expand = true });
        ImageResponseBase plain = await Client.GetImageAsync(id);
        ImageResponseBase notExpanded = await Client.GetImageAsync(id, new ImageGetOptions { Expand = false });

        Model model = Assert.Single(expanded.ModelDetails!);
        Assert.Equal("sklearn-model", model.Name);
        Assert.Equal("sklearn-model:1", model.Id);
        Assert.Null(plain.ModelDetails);
        Assert.Null(notExpanded.ModelDetails);
        Assert.Equal(["sklearn-model:1"], plain.ModelIds);
    }

    [Fact]
    public async Task TagConveniences_AddRemoveReplace_LeaveTheServiceWithTheExpectedMap()
    {
        string id = (await Client.CreateImageAsync(Request("lifecycle-tags"))).Id!;

        await Client.AddTagsAsync(id, new Dictionary<string, string> { ["stage"] = "approved", ["owner"] = "ana" });
        ImageResponseBase removed = await Client.RemoveTagsAsync(id, ["owner"]);
        ImageResponseBase replaced = await Client.UpdateTagsAsync(id, new Dictionary<string, string> { ["only"] = "this" });

        Assert.Equal(new Dictionary<string, string> { ["stage"] = "approved", ["run"] = "lifecycle" }, removed.KvTags);
        Assert.Equal(new Dictionary<string, string> { ["only"] = "this" }, replaced.KvTags);
        Assert.Equal(new Dictionary<string, string> { ["only"] = "this" }, _emulator.GetImage(id)!.KvTags);
    }

    [Fact]
    public async Task AddPropertiesAsync_ExistingKey_ThrowsWithoutPatching()
    {
        DockerImageRequest request = Request("lifecycle-props");
        request.Properties = new Dictionary<string, string> { ["commit"] = "abc" };
        string id = (await Client.CreateImageAsync(request)).Id!;
        _emulator.ClearRequests();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Client.AddPropertiesAsync(id, new Dictionary<string, string> { ["commit"] = "def" }));
        ImageResponseBase added = await Client.AddPropertiesAsync(id, new Dictionary<string, string> { ["reviewed"] = "yes" });

        Assert.Single(_emulator.Requests, r => r.Method == "PATCH");
        Assert.Equal("abc", added.Properties!["commit"]);
        Assert.Equal("yes", _emulator.GetImage(id)!.Properties["reviewed"]);
    }

    [Fact]
    public async Task UpdateImageAsync_ReplaceDescription_ChangesOnlyTheDescription()
    {
        string id = (await Client.CreateImageAsync(Request("lifecycle-describe"))).Id!;

        ImageResponseBase updated = await Client.UpdateImageAsync(id, new ImagePatch().ReplaceDescription("Now documented"));

        Assert.Equal("Now documented", updated.Description);
        Assert.Equal("Now documented", (await Client.GetImageAsync(id)).Description);
        Assert.Equal("lifecycle", updated.KvTags!["run"]);
    }

    [Fact]
    public async Task DeleteImageAsync_ExistingThenGone_ReturnsTrueThenFalse()
    {
        string id = (await Client.CreateImageAsync(Request("lifecycle-delete"))).Id!;

        Assert.True(await Client.DeleteImageAsync(id));
        Assert.False(await Client.DeleteImageAsync(id));
        ImageServiceException missing = await Assert.ThrowsAsync<ImageServiceException>(() => Client.GetImageAsync(id));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task DeleteImageAsync_ImageInUse_ThrowsDeletionRequired()
    {
        DockerImageRequest request = Request("lifecycle-inuse");
        request.KvTags!["emulator.inUse"] = "true";
        string id = (await Client.CreateImageAsync(request)).Id!;

        ImageServiceException failure = await Assert.ThrowsAsync<ImageServiceException>(() => Client.DeleteImageAsync(id));

        Assert.Equal(412, failure.Status);
        Assert.Equal("DeletionRequired", failure.ErrorCode);
        Assert.Contains("service", failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(_emulator.GetImage(id));
    }

    [Fact]
    public async Task EveryRequest_CarriesBearerTokenRequestIdAndUserAgent()
    {
        await Client.CreateImageAsync(Request("lifecycle-headers"));

        Assert.NotEmpty(_emulator.Requests);
        Assert.All(_emulator.Requests, r =>
        {
            Assert.Equal($"Bearer {_emulator.AccessToken}", r.Headers["Authorization"]);
            Assert.True(Guid.TryParse(r.Headers["x-ms-client-request-id"], out _));
            Assert.StartsWith("ImageService.Client/", r.Headers["User-Agent"], StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Profiles_CreateGetAndList_RoundTrip()
    {
        string imageId = (await Client.CreateImageAsync(Request("lifecycle-profile"))).Id!;

        CreateProfileOperation operation = await Client.StartCreateProfileAsync(imageId, new ProfileRequestBase { Name = "latency-check", Description = "p95" });
        ProfileResponse created = await operation.WaitForCompletionAsync();
        ProfileResponse fetched = await Client.GetProfileAsync(imageId, created.Name!);
        List<ProfileResponse> listed = await Client.ListProfilesAsync(imageId).ToListAsync();

        Assert.Equal("latency-check", fetched.Name);
        Assert.Equal("latency-check", Assert.Single(listed).Name);
    }

    [Fact]
    public async Task ListProfilesAsync_EachFilter_SelectsOnlyMatchingProfiles()
    {
        string imageId = (await Client.CreateImageAsync(Request("lifecycle-profile-filter"))).Id!;
        await CreateProfileAsync(imageId, "fast", "The fast one", tags: new() { ["speed"] = "fast", ["team"] = "risk" }, properties: new() { ["runs"] = "3" });
        await CreateProfileAsync(imageId, "slow", "The slow one", tags: new() { ["speed"] = "slow" }, properties: new() { ["runs"] = "5" });
        await CreateProfileAsync(imageId, "bare", null, tags: null, properties: null);

        var byTagValue = new ProfileListOptions();
        byTagValue.Tags["speed"] = "slow";
        var byTagKey = new ProfileListOptions();
        byTagKey.Tags["team"] = null;
        var byProperty = new ProfileListOptions();
        byProperty.Properties["runs"] = "3";
        var byPropertyKey = new ProfileListOptions();
        byPropertyKey.Properties["runs"] = null;

        Assert.Equal(["fast"], await ProfileNamesAsync(imageId, new ProfileListOptions { Name = "fast" }));
        Assert.Equal(["slow"], await ProfileNamesAsync(imageId, new ProfileListOptions { Description = "The slow one" }));
        Assert.Equal(["slow"], await ProfileNamesAsync(imageId, byTagValue));
        Assert.Equal(["fast"], await ProfileNamesAsync(imageId, byTagKey));
        Assert.Equal(["fast"], await ProfileNamesAsync(imageId, byProperty));
        Assert.Equal(["fast", "slow"], await ProfileNamesAsync(imageId, byPropertyKey, ordered: false));
        Assert.Empty(await ProfileNamesAsync(imageId, new ProfileListOptions { Name = "fast", Description = "The slow one" }));
    }

    [Fact]
    public async Task ListProfilesAsync_OrderByAndPageSize_OrderEveryPage()
    {
        string imageId = (await Client.CreateImageAsync(Request("lifecycle-profile-order"))).Id!;
        foreach (string name in (string[])["first", "second", "third"])
        {
            await CreateProfileAsync(imageId, name, null, null, null);
        }

        var ascending = new ProfileListOptions { OrderBy = ImageOrderBy.CreatedAtAsc, PageSize = 2 };
        var pages = new List<int>();
        await foreach (ImageServicePage<ProfileResponse> page in Client.ListProfilesAsync(imageId, ascending).AsPages())
        {
            pages.Add(page.Values.Count);
        }

        Assert.Equal(["first", "second", "third"], await ProfileNamesAsync(imageId, ascending));
        Assert.Equal([2, 1], pages);
        Assert.Equal(["third", "second", "first"], await ProfileNamesAsync(imageId, new ProfileListOptions { OrderBy = ImageOrderBy.CreatedAtDesc }));
    }

    /// <summary>
    /// These tests are about behaviour, not faults: timeouts generous enough for a cold, loaded machine (a first request
    /// JIT-compiles the whole chain), so that only a real defect fails them.
    /// </summary>
    private static void Patient(ImageServiceClientOptions options)
    {
        options.AttemptTimeout = TimeSpan.FromSeconds(15);
        options.TotalRequestTimeout = TimeSpan.FromSeconds(60);
        options.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(30);
        options.OperationTimeout = TimeSpan.FromSeconds(60);
    }

    private async Task CreateProfileAsync(string imageId, string name, string? description, Dictionary<string, string>? tags, Dictionary<string, string>? properties)
    {
        var request = new ProfileRequestBase { Name = name, Description = description, KvTags = tags, Properties = properties };
        await (await Client.StartCreateProfileAsync(imageId, request)).WaitForCompletionAsync();
    }

    /// <summary>The names in the order the service listed them, or sorted when the order is not what is tested.</summary>
    private async Task<string[]> ProfileNamesAsync(string imageId, ProfileListOptions filter, bool ordered = true)
    {
        string[] names = [.. (await Client.ListProfilesAsync(imageId, filter).ToListAsync()).Select(p => p.Name!)];
        return ordered ? names : [.. names.Order(StringComparer.Ordinal)];
    }

    private async Task<string[]> IdsAsync(ImageListOptions filter) =>
        [.. (await Client.ListImagesAsync(filter).ToListAsync()).Select(i => i.Id!).Order(StringComparer.Ordinal)];

    private static DockerImageRequest Request(string name) => new()
    {
        Name = name,
        ImageFlavor = ImageFlavor.WebApiContainer,
        ImageType = ImageType.Docker,
        DriverProgram = "driver",
        Assets = [new ImageAsset { Id = "driver", MimeType = "application/x-python", Url = "aml://artifact/score.py" }],
        TargetRuntime = new TargetRuntime { RuntimeType = RuntimeType.Python },
        ModelIds = ["sklearn-model:1"],
        KvTags = new Dictionary<string, string> { ["run"] = "lifecycle" },
    };

    /// <summary>Reports on the caller's thread: <see cref="Progress{T}"/> would post to the thread pool and race the assertions.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
