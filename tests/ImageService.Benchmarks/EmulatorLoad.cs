using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Emulator;
using Microsoft.Data.Sqlite;

namespace ImageService.Benchmarks;

/// <summary>
/// The emulator under the load of issue 26, over loopback HTTP with a plain HttpClient (<c>--emulator</c>; numbers for
/// RESULTS.md, written by hand into its kept section):
/// <list type="bullet">
/// <item>patch latency over a long run of single-tag patches of one image with 1,000 tags, in windows of 100 patches
/// ending at patch 100, 1,000, 10,000 and the last, in memory and with a SQLite data file (its stored document size too), and
/// the process's memory after the run;</item>
/// <item>1,000 concurrent mixed requests (a third creates, a third patches, a third lists), on a clean emulator and
/// after the long run: how many were answered, how many failed and how, latency percentiles, and the most threads the
/// thread pool had during the burst (threads it adds when requests block theirs).</item>
/// </list>
/// <c>--smoke</c> runs each once with small counts and fails on any error. Against another build of the emulator
/// (issue 26's "before"): <c>--patches N</c> bounds the run.
/// </summary>
internal static class EmulatorLoad
{
    private const int Tags = 1_000;
    private const int Window = 100;

    public sealed record Settings(int Patches, int Concurrent, int LongRunBeforeBurst)
    {
        public static Settings Full { get; } = new(10_000, 1_000, 2_000);

        public static Settings Smoke { get; } = new(200, 90, 50);
    }

    public sealed record PatchRun(string Storage, IReadOnlyList<(int AfterPatches, double MedianMs, double P99Ms)> Windows, long? StoredBytes, double ManagedMb, double WorkingSetMb, TimeSpan Elapsed);

    public sealed record Burst(string Scenario, int Requests, int Answered, IReadOnlyDictionary<string, int> Failures, double P50Ms, double P99Ms, double MaxMs, TimeSpan Elapsed, int PeakThreads);

    public static async Task<int> RunAsync(Settings settings, TextWriter output)
    {
        var runs = new List<PatchRun>();
        foreach (bool persisted in new[] { false, true })
        {
            runs.Add(await PatchLatencyAsync(settings.Patches, persisted));
            output.WriteLine(Format(runs[^1]));
        }

        var bursts = new List<Burst>
        {
            await BurstAsync("clean emulator", settings.Concurrent, longRun: 0),
            await BurstAsync($"after {settings.LongRunBeforeBurst:N0} patches of an image with {Tags:N0} tags", settings.Concurrent, settings.LongRunBeforeBurst),
        };

        output.WriteLine();
        output.WriteLine(Format(runs, bursts));
        int failed = bursts.Sum(b => b.Requests - b.Answered);
        if (failed > 0)
        {
            output.WriteLine($"FAILED: {failed} request(s) of the concurrent bursts were not answered.");
        }

        return failed == 0 ? 0 : 1;
    }

    public static string Format(IReadOnlyList<PatchRun> runs, IReadOnlyList<Burst> bursts)
    {
        var md = new StringBuilder();
        var checkpoints = runs.SelectMany(r => r.Windows.Select(w => w.AfterPatches)).Distinct().Order().ToList();
        md.AppendLine(CultureInfo.InvariantCulture, $"| PATCH of one tag, image with {Tags:N0} tags | {string.Join(" | ", checkpoints.Select(c => $"patches {Math.Max(0, c - Window) + 1:N0}–{c:N0}: median / p99"))} | stored image | managed heap / working set after |");
        md.AppendLine($"|---|{string.Concat(checkpoints.Select(_ => "---|"))}---|---|");
        foreach (var run in runs)
        {
            var cells = checkpoints.Select(c => run.Windows.FirstOrDefault(w => w.AfterPatches == c) is { AfterPatches: > 0 } w
                ? string.Create(CultureInfo.InvariantCulture, $"{w.MedianMs:F2} / {w.P99Ms:F2} ms")
                : "not reached");
            string stored = run.StoredBytes is { } bytes ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:N1} KiB") : "-";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {run.Storage} | {string.Join(" | ", cells)} | {stored} | {run.ManagedMb:N0} / {run.WorkingSetMb:N0} MB |");
        }

        md.AppendLine();
        md.AppendLine("| Concurrent mixed requests (⅓ create, ⅓ patch, ⅓ list) | answered | failed | p50 / p99 / max | all answered after | peak thread-pool threads |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var burst in bursts)
        {
            string failures = burst.Failures.Count == 0 ? "0" : string.Join("; ", burst.Failures.Select(f => $"{f.Value} {f.Key}"));
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {burst.Requests:N0}, {burst.Scenario} | {burst.Answered:N0} | {failures} | {burst.P50Ms:N0} / {burst.P99Ms:N0} / {burst.MaxMs:N0} ms | {burst.Elapsed.TotalSeconds:N1} s | {burst.PeakThreads} |");
        }

        return md.ToString();
    }

    private static string Format(PatchRun run) =>
        $"// {run.Storage}: " + string.Join(", ", run.Windows.Select(w => string.Create(CultureInfo.InvariantCulture, $"after {w.AfterPatches}: median {w.MedianMs:F2} ms, p99 {w.P99Ms:F2} ms")))
        + string.Create(CultureInfo.InvariantCulture, $" ({run.Elapsed.TotalSeconds:F1} s)");

    private static async Task<PatchRun> PatchLatencyAsync(int patches, bool persisted)
    {
        string? file = persisted ? Path.Combine(Path.GetTempPath(), $"emulator-bench-{Guid.NewGuid():N}.db") : null;
        try
        {
            await using var emulator = await ImageServiceEmulator.StartAsync(new EmulatorOptions { DataFile = file, BuildStepDuration = TimeSpan.FromMilliseconds(5) });
            using var http = Client(emulator);
            await CreateAsync(http, "patched", Tags);

            var checkpoints = new[] { Window, 1_000, 10_000, patches }.Where(c => c <= patches).ToHashSet();
            var windows = new List<(int, double, double)>();
            var latencies = new List<double>(Window);
            var clock = Stopwatch.StartNew();
            for (int i = 1; i <= patches; i++)
            {
                long started = Stopwatch.GetTimestamp();
                using (var response = await http.PatchAsync("images/patched:1", Json($$"""[{"op":"replace","path":"/kvTags/tag0","value":"patch-{{i}}"}]""", "application/json-patch+json")))
                {
                    response.EnsureSuccessStatusCode();
                }

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (latencies.Count > Window)
                {
                    latencies.RemoveAt(0);
                }

                if (checkpoints.Contains(i))
                {
                    windows.Add((i, Percentile(latencies, 0.5), Percentile(latencies, 0.99)));
                }
            }

            clock.Stop();
            long? stored = file is null ? null : StoredLength(file, "patched:1");
            double managed = GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024);
            return new PatchRun(persisted ? "SQLite data file" : "in memory", windows, stored, managed, Environment.WorkingSet / (1024.0 * 1024), clock.Elapsed);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (string? leftover in new[] { file, file + "-wal", file + "-shm" }.Where(f => f is not null && File.Exists(f)))
            {
                File.Delete(leftover!);
            }
        }
    }

    private static async Task<Burst> BurstAsync(string scenario, int concurrent, int longRun)
    {
        await using var emulator = await ImageServiceEmulator.StartAsync(new EmulatorOptions { BuildStepDuration = TimeSpan.FromMilliseconds(50) });
        using var setup = Client(emulator);
        for (int i = 0; i < 10; i++)
        {
            await CreateAsync(setup, "patched", i == 0 ? Tags : 0);
        }

        for (int i = 0; i < longRun; i++)
        {
            using var response = await setup.PatchAsync("images/patched:1", Json($$"""[{"op":"replace","path":"/kvTags/tag0","value":"run-{{i}}"}]""", "application/json-patch+json"));
            response.EnsureSuccessStatusCode();
        }

        // One connection per request, as independent callers would open, and a client timeout as long as the issue's.
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = TimeSpan.Zero };
        using var http = new HttpClient(handler) { BaseAddress = setup.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = setup.DefaultRequestHeaders.Authorization;
        using var start = new SemaphoreSlim(0);
        using var sampling = new CancellationTokenSource();
        int peakThreads = ThreadPool.ThreadCount;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakThreads = Math.Max(peakThreads, ThreadPool.ThreadCount);
                await Task.Delay(10, CancellationToken.None);
            }
        });

        async Task<(double Ms, string? Failure)> SendAsync(int i)
        {
            await start.WaitAsync();
            using HttpRequestMessage request = (i % 3) switch
            {
                0 => new HttpRequestMessage(HttpMethod.Post, "images") { Content = Json("""{"name":"loaded","imageFlavor":"WebApiContainer","kvTags":{"k":"v"}}""") },
                1 => new HttpRequestMessage(HttpMethod.Patch, $"images/patched:{(i % 2 == 0 ? 1 : (i % 10) + 1)}") { Content = Json($$"""[{"op":"add","path":"/kvTags/t{{i}}","value":"{{i}}"}]""", "application/json-patch+json") },
                _ => new HttpRequestMessage(HttpMethod.Get, "images?count=50"),
            };
            long started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted ? null : $"status {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                string kind = ex is TaskCanceledException ? "timeouts (120 s)" : ex.GetBaseException().Message.Contains("reset", StringComparison.OrdinalIgnoreCase) ? "connection resets" : ex.GetBaseException().GetType().Name;
                return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, kind);
            }
        }

        var clock = Stopwatch.StartNew();
        var requests = Enumerable.Range(0, concurrent).Select(i => Task.Run(() => SendAsync(i))).ToList();
        start.Release(requests.Count);
        var results = await Task.WhenAll(requests);
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;

        var latencies = results.Select(r => r.Ms).ToList();
        var failures = results.Where(r => r.Failure is not null).GroupBy(r => r.Failure!).ToDictionary(g => g.Key, g => g.Count());
        return new Burst(scenario, concurrent, results.Count(r => r.Failure is null), failures,
            Percentile(latencies, 0.5), Percentile(latencies, 0.99), latencies.Max(), clock.Elapsed, peakThreads);
    }

    private static HttpClient Client(ImageServiceEmulator emulator)
    {
        var http = new HttpClient { BaseAddress = new Uri(emulator.WorkspaceUri.ToString().TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", emulator.AccessToken);
        return http;
    }

    private static async Task CreateAsync(HttpClient http, string name, int tags)
    {
        string kvTags = tags == 0 ? "" : ",\"kvTags\":{" + string.Join(",", Enumerable.Range(0, tags).Select(i => $"\"tag{i}\":\"value-{i}\"")) + "}";
        using var response = await http.PostAsync("images", Json($$"""{"name":"{{name}}","imageFlavor":"WebApiContainer"{{kvTags}}}"""));
        response.EnsureSuccessStatusCode();
    }

    private static StringContent Json(string json, string mediaType = "application/json") => new(json, Encoding.UTF8, mediaType);

    private static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile * sorted.Count) - 1)];
    }

    private static long StoredLength(string file, string id)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(json) FROM documents WHERE kind = 'image' AND id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return (long)command.ExecuteScalar()!;
    }
}
