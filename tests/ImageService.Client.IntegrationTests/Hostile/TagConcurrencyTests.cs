using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;
using ImageService.Emulator;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>
/// Issue 13, case 5: tag updates are per-key JSON Patch operations that the service applies atomically, so concurrent
/// callers never undo each other's acknowledged changes. Against the emulator over loopback.
/// </summary>
public sealed class TagConcurrencyTests : IAsyncLifetime
{
    // The case: a read-modify-write kept 1 of 200 additions. The emulator commits one change at a time, so on a
    // loaded two-core machine the last of 300 calls can wait over a minute: the attempt timeout below allows for that.
    private const int Additions = 200;
    private const int Removals = 100;

    private ImageServiceEmulator _emulator = null!;
    private ClientHost _host = null!;

    public async Task InitializeAsync()
    {
        _emulator = await ImageServiceEmulator.StartAsync(new EmulatorOptions { BuildStepDuration = TimeSpan.FromMilliseconds(10) });

        // Behaviour, not timing: timeouts a loaded machine with 300 calls in flight cannot reach.
        _host = ClientHost.ForEmulator(_emulator, options =>
        {
            options.AttemptTimeout = TimeSpan.FromMinutes(5);
            options.TotalRequestTimeout = TimeSpan.FromMinutes(10);
            options.CircuitBreakerSamplingDuration = TimeSpan.FromMinutes(10);
            options.OperationTimeout = TimeSpan.FromMinutes(10);
        });
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task AddTagsAsyncAndRemoveTagsAsync_300ConcurrentCallsOnDistinctKeys_EveryAcknowledgedChangeIsKept()
    {
        var initial = Enumerable.Range(0, Removals).ToDictionary(i => $"old-{i}", i => "x");
        string id = await CreateAsync("tags-concurrent", initial);

        Task<ImageResponseBase>[] calls =
        [
            .. Enumerable.Range(0, Additions).Select(i => Task.Run(() => _host.Client.AddTagsAsync(id, new Dictionary<string, string> { [$"new-{i}"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }))),
            .. Enumerable.Range(0, Removals).Select(i => Task.Run(() => _host.Client.RemoveTagsAsync(id, [$"old-{i}"]))),
        ];
        await Task.WhenAll(calls); // every call acknowledged (none threw)

        IReadOnlyDictionary<string, string> stored = _emulator.GetImage(id)!.KvTags;
        Assert.All(Enumerable.Range(0, Additions), i => Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), stored.GetValueOrDefault($"new-{i}")));
        Assert.All(Enumerable.Range(0, Removals), i => Assert.False(stored.ContainsKey($"old-{i}"), $"old-{i} was removed, acknowledged, and is back"));
        Assert.Equal(["run"], stored.Keys.Where(k => !k.StartsWith("new-", StringComparison.Ordinal)));
        Assert.Equal(Additions + Removals, _emulator.Requests.Count(r => r.Method == "PATCH")); // one request per call, no read-modify-write
    }

    [Fact]
    public async Task RemoveTagsAsync_KeyAlreadyGone_SucceedsAndKeepsTheOthers()
    {
        string id = await CreateAsync("tags-gone", new Dictionary<string, string> { ["keep"] = "1" });

        ImageResponseBase updated = await _host.Client.RemoveTagsAsync(id, ["never-there"]);

        Assert.Equal(new Dictionary<string, string> { ["keep"] = "1", ["run"] = "hostile" }, updated.KvTags);
    }

    [Fact]
    public async Task AddTagsAsync_KeysWithSlashAndTilde_AreStoredUnderTheExactKey()
    {
        string id = await CreateAsync("tags-pointer", new Dictionary<string, string>());

        await _host.Client.AddTagsAsync(id, new Dictionary<string, string> { ["team/ml~ops"] = "a", ["~1"] = "b" });
        ImageResponseBase removed = await _host.Client.RemoveTagsAsync(id, ["~1"]);

        Assert.Equal(new Dictionary<string, string> { ["team/ml~ops"] = "a", ["run"] = "hostile" }, removed.KvTags);
    }

    private async Task<string> CreateAsync(string name, Dictionary<string, string> tags)
    {
        tags["run"] = "hostile";
        DockerImageRequest request = Faults.FaultMatrixTests.Request(name);
        request.KvTags = tags;
        ImageResponseBase image = await _host.Client.CreateImageAsync(request);
        _emulator.ClearRequests();
        return image.Id!;
    }
}
