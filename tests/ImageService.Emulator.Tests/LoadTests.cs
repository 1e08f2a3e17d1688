using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace ImageService.Emulator.Tests;

/// <summary>
/// The emulator under the load a test suite or a curious user puts on it: many concurrent clients, long runs of
/// patches. Behaviour is asserted, never speed; the bounds below only catch a hang. The numbers are in
/// tests/ImageService.Benchmarks/RESULTS.md (the benchmarks' <c>--emulator</c> mode).
/// </summary>
public sealed class LoadTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"emulator-load-{Guid.NewGuid():N}.db");

    /// <summary>
    /// The issue's scenario: an image with 1,000 tags after a long run of patches (every earlier patch used to be copied
    /// into each new one, under the lock every request waits for), then 1,000 concurrent requests, a third creates, a
    /// third patches (half of them of that image), a third lists. Every request must be answered as it would be alone.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MixedRequests_1000ConcurrentAfterALongRunOfPatches_AllAnsweredWithoutAConnectionError(bool persisted)
    {
        // A bound against a hang, not a speed: this takes seconds; before the fix it took many minutes.
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var h = await Harness.StartAsync(o => o.DataFile = persisted ? _file : null);
        string tags = string.Join(",", Enumerable.Range(0, 1000).Select(i => $"\"tag{i}\":\"value-{i}\""));
        for (int i = 0; i < 10; i++)
        {
            using var created = await h.Http.PostAsync("images",
                Harness.Json($$"""{"name":"patched","imageFlavor":"WebApiContainer"{{(i == 0 ? $$""","kvTags":{{{tags}}}""" : "")}}}"""), hang.Token);
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        }

        for (int i = 0; i < 2_000; i++)
        {
            using var patched = await h.Http.PatchAsync("images/patched:1",
                Harness.Json($$"""[{"op":"replace","path":"/kvTags/tag0","value":"run-{{i}}"}]""", "application/json-patch+json"), hang.Token);
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        // A client of its own, one connection per request as 1,000 independent callers would open.
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = TimeSpan.Zero };
        using var http = new HttpClient(handler) { BaseAddress = h.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = h.Http.DefaultRequestHeaders.Authorization;
        using var start = new SemaphoreSlim(0);

        async Task<(string Kind, HttpStatusCode? Status, string? Failure)> SendAsync(int i)
        {
            await start.WaitAsync(hang.Token);
            HttpRequestMessage request = (i % 3) switch
            {
                0 => new HttpRequestMessage(HttpMethod.Post, "images") { Content = Harness.Json("""{"name":"loaded","imageFlavor":"WebApiContainer","kvTags":{"k":"v"}}""") },
                1 => new HttpRequestMessage(HttpMethod.Patch, $"images/patched:{(i % 2 == 0 ? 1 : (i % 10) + 1)}") { Content = Harness.Json($$"""[{"op":"add","path":"/kvTags/t{{i}}","value":"{{i}}"}]""", "application/json-patch+json") },
                _ => new HttpRequestMessage(HttpMethod.Get, "images?count=50"),
            };
            string kind = request.Method.Method;
            try
            {
                using (request)
                using (var response = await http.SendAsync(request, hang.Token))
                {
                    await response.Content.ReadAsByteArrayAsync(hang.Token);
                    return (kind, response.StatusCode, null);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !hang.IsCancellationRequested)
            {
                return (kind, null, $"{ex.GetType().Name}: {ex.GetBaseException().Message}");
            }
        }

        var requests = Enumerable.Range(0, 1000).Select(i => Task.Run(() => SendAsync(i))).ToList();
        start.Release(requests.Count);
        var results = await Task.WhenAll(requests);

        var failures = results.Where(r => r.Failure is not null).GroupBy(r => r.Failure).Select(g => $"{g.Count()} x {g.Key}").ToList();
        Assert.True(failures.Count == 0, $"{results.Count(r => r.Failure is not null)} of 1000 requests failed: {string.Join("; ", failures)}");
        var unexpected = results.Where(r => r.Status != (r.Kind == "POST" ? HttpStatusCode.Accepted : HttpStatusCode.OK)).ToList();
        Assert.True(unexpected.Count == 0, string.Join("; ", unexpected.GroupBy(r => $"{r.Kind} {r.Status}").Select(g => $"{g.Count()} x {g.Key}")));
        Assert.Equal(334, h.Emulator.CountImages("loaded"));
        Assert.Equal(1_000 + 333, Enumerable.Range(1, 10).Sum(v => h.Emulator.GetImage($"patched:{v}")!.KvTags.Count));
        Assert.Equal(1 + 2_000 + Enumerable.Range(0, 1000).Count(i => i % 6 == 4), h.Emulator.GetImage("patched:1")!.TagChangeCount);
    }

    [Fact]
    public async Task Patch_ManyTagChanges_StoredDocumentDoesNotGrow()
    {
        await using var h = await Harness.StartAsync(o => o.DataFile = _file);
        string tags = string.Join(",", Enumerable.Range(0, 100).Select(i => $"\"tag{i}\":\"value-{i}\""));
        await h.CreateAndWaitAsync("patched", $$""","kvTags":{{{tags}}}""");
        await PatchAsync(h, 0);
        long afterOne = StoredImageLength();

        for (int i = 1; i <= 200; i++)
        {
            await PatchAsync(h, i % 10);
        }

        long afterMany = StoredImageLength();
        Assert.True(afterMany < afterOne + 1_000, $"the stored image grew from {afterOne} to {afterMany} bytes over 200 patches");
        var image = h.Emulator.GetImage("patched:1")!;
        Assert.Equal(202, image.TagChangeCount); // the create, then 201 patches that each changed a tag
        Assert.InRange(image.TagHistory.Count, 1, EmulatorOptions.DefaultTagHistoryCapacity);
        Assert.Equal(image.KvTags, image.TagHistory[^1]);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (string file in new[] { _file, _file + "-wal", _file + "-shm" }.Where(File.Exists))
        {
            File.Delete(file);
        }
    }

    private static async Task PatchAsync(Harness h, int value)
    {
        using var response = await h.Http.PatchAsync("images/patched:1",
            Harness.Json($$"""[{"op":"replace","path":"/kvTags/tag0","value":"patch-{{value}}"}]""", "application/json-patch+json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private long StoredImageLength()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(json) FROM documents WHERE kind = 'image' AND id = 'patched:1';";
        return (long)command.ExecuteScalar()!;
    }
}
