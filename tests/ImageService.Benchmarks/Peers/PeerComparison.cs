using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime;
using System.Text;
using System.Threading.Tasks;

namespace ImageService.Benchmarks.Peers;

/// <summary>
/// The SDK against the floor and the peers, interleaved: in each round every client makes a short batch of calls in
/// turn (the order rotates each round), so drift in this shared machine's speed hits them alike. Wall time per call
/// and throughput are medians over the rounds (the scheduler's outliers ignored). Process CPU time
/// (<see cref="Environment.CpuUsage"/>: every thread of this process, the in-process server's included, the same for
/// every client) and allocated bytes (the whole process, server included) are totals over all rounds divided by the
/// calls: CPU time is not stretched by other processes, and a garbage collection counts in whichever batch it falls,
/// which over many rounds is in proportion to what each client allocates. Run on two cores in the main process, and on one core in a child process started
/// under <c>taskset -c 0</c> (<see cref="OneCore"/>), where a client's CPU cannot hide in the other core's idle time.
/// </summary>
public static class PeerComparison
{
    public const int Concurrency = 64;

    /// <summary>How long each run is.</summary>
    /// <param name="SettleQuietSeconds">
    /// After the warm-up calls, every client keeps calling (GETs, a page, a 64-wide burst, in turn) until the JIT has
    /// compiled nothing for this long, so that the rows compare optimized code. On one core the runtime waits ten times
    /// longer before it recompiles hot methods (tiered compilation's single-processor delay), and the first one-core
    /// runs timed mostly unoptimized code: the client with the most code to tier up looked the slowest.
    /// </param>
    /// <param name="SettleLimitSeconds">The longest the settling may take; the results say whether the JIT settled.</param>
    public sealed record Settings(int GetRounds, int GetBatch, int PageRounds, int PageBatch, int ConcurrentRounds, double ConcurrentRoundMilliseconds, int WarmupCalls, double SettleQuietSeconds, double SettleLimitSeconds)
    {
        public static readonly Settings Full = new(GetRounds: 400, GetBatch: 25, PageRounds: 40, PageBatch: 2, ConcurrentRounds: 12, ConcurrentRoundMilliseconds: 250, WarmupCalls: 2_000, SettleQuietSeconds: 5, SettleLimitSeconds: 240);

        /// <summary>bench-smoke: proves every client runs and agrees; the figures mean nothing.</summary>
        public static readonly Settings Smoke = new(GetRounds: 3, GetBatch: 2, PageRounds: 1, PageBatch: 1, ConcurrentRounds: 1, ConcurrentRoundMilliseconds: 1, WarmupCalls: 5, SettleQuietSeconds: 0, SettleLimitSeconds: 0);
    }

    /// <summary>How the warm-up ended: how long the clients were called, the methods the JIT had compiled by then, and whether it had stopped.</summary>
    public sealed record JitSettle(double Seconds, long CompiledMethods, bool Settled);

    /// <summary>One client in one scenario. Per call: microseconds and bytes; throughput in requests per second.</summary>
    public sealed record Row(string Client, double WallMicroseconds, double CpuMicroseconds, double AllocatedBytes, double RequestsPerSecond);

    public sealed record Scenario(string Name, IReadOnlyList<Row> Rows)
    {
        public Row? Find(string client) => Rows.FirstOrDefault(r => r.Client == client);
    }

    /// <summary>Everything one run measured, and where it ran.</summary>
    public sealed record Results(
        string Mode,
        int ProcessorCount,
        string CpusAllowed,
        Settings Settings,
        IReadOnlyList<Scenario> Scenarios,
        IReadOnlyList<string> Failures,
        IReadOnlyDictionary<string, string> Descriptions,
        JitSettle? Warmup = null)
    {
        public Scenario? Find(string name) => Scenarios.FirstOrDefault(s => s.Name == name);
    }

    public const string Get = "GET one image";
    public const string Page = "GET a page of 1,000 images";
    public const string Concurrent = "64 concurrent GETs";

    public static async Task<Results> RunAsync(string mode, Settings settings, IReadOnlyList<string> names)
    {
        await using BenchServer server = await BenchServer.StartAsync().ConfigureAwait(false);
        var clients = new List<PeerClient>();
        var failures = new List<string>();
        var descriptions = new Dictionary<string, string>();
        try
        {
            foreach (string name in names)
            {
                PeerClient client;
                try
                {
                    client = PeerSet.Create(name, server.Endpoint);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    failures.Add($"{name}: setting the client up threw {ex.GetType().Name}: {ex.Message} Its rows are left out.");
                    Console.Error.WriteLine($"FAILED CHECK ({mode}): {name}: {ex}");
                    continue;
                }

                descriptions[client.Name] = client.Description;
                try
                {
                    await PeerSet.VerifyAsync(client).ConfigureAwait(false);
                    clients.Add(client);
                    Console.WriteLine($"// {mode}: {client.Name} returns the same image and page as the server sent");
                }
                catch (PeerCheckException ex)
                {
                    failures.Add($"{ex.Message} Its rows are left out.");
                    Console.Error.WriteLine($"FAILED CHECK ({mode}): {ex.Message}");
                    await client.DisposeAsync().ConfigureAwait(false);
                }
            }

            foreach (PeerClient client in clients)
            {
                for (int i = 0; i < settings.WarmupCalls; i++)
                {
                    await client.GetImageAsync().ConfigureAwait(false);
                }

                await client.GetPageAsync().ConfigureAwait(false);
            }

            JitSettle warmup = await SettleAsync(clients, settings).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {mode}: {(warmup.Settled ? "the JIT settled" : "the JIT had not settled")} after {warmup.Seconds:F0} s of warm-up ({warmup.CompiledMethods:N0} methods compiled)"));
            var scenarios = new List<Scenario>
            {
                new(Get, await SequentialAsync(clients, c => c.GetImageAsync, settings.GetRounds, settings.GetBatch).ConfigureAwait(false)),
                new(Page, await SequentialAsync(clients, c => c.GetPageAsync, settings.PageRounds, settings.PageBatch).ConfigureAwait(false)),
                new(Concurrent, await ConcurrentAsync(clients, settings.ConcurrentRounds, TimeSpan.FromMilliseconds(settings.ConcurrentRoundMilliseconds)).ConfigureAwait(false)),
            };
            return new Results(mode, Environment.ProcessorCount, OneCore.CpusAllowed(), settings, scenarios, failures, descriptions, warmup);
        }
        finally
        {
            foreach (PeerClient client in clients)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<JitSettle> SettleAsync(List<PeerClient> clients, Settings settings)
    {
        TimeSpan quiet = TimeSpan.FromSeconds(settings.SettleQuietSeconds), limit = TimeSpan.FromSeconds(settings.SettleLimitSeconds);
        var total = Stopwatch.StartNew();
        var sinceLastCompile = Stopwatch.StartNew();
        long compiled = JitInfo.GetCompiledMethodCount();
        var burst = new Task[Concurrency];
        while (sinceLastCompile.Elapsed < quiet && total.Elapsed < limit)
        {
            foreach (PeerClient client in clients)
            {
                for (int i = 0; i < 50; i++)
                {
                    await client.GetImageAsync().ConfigureAwait(false);
                }

                await client.GetPageAsync().ConfigureAwait(false);
                for (int t = 0; t < Concurrency; t++)
                {
                    burst[t] = client.GetImageAsync();
                }

                await Task.WhenAll(burst).ConfigureAwait(false);
            }

            long now = JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                sinceLastCompile.Restart();
            }
        }

        return new JitSettle(total.Elapsed.TotalSeconds, compiled, quiet > TimeSpan.Zero && sinceLastCompile.Elapsed >= quiet);
    }

    private readonly record struct RoundSample(long Calls, double Wall, double Cpu, double Bytes, double Rps);

    private static async Task<Row[]> SequentialAsync(List<PeerClient> clients, Func<PeerClient, Func<Task>> call, int rounds, int batch)
    {
        var samples = clients.ToDictionary(c => c.Name, _ => new List<RoundSample>());
        for (int round = 0; round < rounds; round++)
        {
            foreach (PeerClient client in Rotate(clients, round))
            {
                Func<Task> once = call(client);
                Meter meter = Meter.Start();
                for (int i = 0; i < batch; i++)
                {
                    await once().ConfigureAwait(false);
                }

                samples[client.Name].Add(meter.Stop(batch));
            }
        }

        return Rows(clients, samples);
    }

    private static async Task<Row[]> ConcurrentAsync(List<PeerClient> clients, int rounds, TimeSpan roundLength)
    {
        var samples = clients.ToDictionary(c => c.Name, _ => new List<RoundSample>());
        var tasks = new Task[Concurrency];
        for (int round = 0; round < rounds; round++)
        {
            foreach (PeerClient client in Rotate(clients, round))
            {
                long calls = 0;
                Meter meter = Meter.Start();
                do
                {
                    for (int t = 0; t < Concurrency; t++)
                    {
                        tasks[t] = client.GetImageAsync();
                    }

                    await Task.WhenAll(tasks).ConfigureAwait(false);
                    calls += Concurrency;
                }
                while (meter.Elapsed < roundLength);

                samples[client.Name].Add(meter.Stop(calls));
            }
        }

        return Rows(clients, samples);
    }

    private static IEnumerable<PeerClient> Rotate(List<PeerClient> clients, int round) =>
        clients.Skip(round % clients.Count).Concat(clients.Take(round % clients.Count));

    private static Row[] Rows(List<PeerClient> clients, Dictionary<string, List<RoundSample>> samples) =>
        clients.Select(c =>
        {
            List<RoundSample> s = samples[c.Name];
            double calls = s.Sum(x => (double)x.Calls);
            return new Row(c.Name, Median(s.Select(x => x.Wall)), s.Sum(x => x.Cpu * x.Calls) / calls, s.Sum(x => x.Bytes * x.Calls) / calls, Median(s.Select(x => x.Rps)));
        }).ToArray();

    private static double Median(IEnumerable<double> values) => Ablation.Percentile([.. values], 0.5);

    /// <summary>Wall clock, process CPU time and process-wide allocation over one batch.</summary>
    private readonly struct Meter
    {
        private readonly long _start;
        private readonly TimeSpan _cpu;
        private readonly long _bytes;

        private Meter(long start, TimeSpan cpu, long bytes)
        {
            _start = start;
            _cpu = cpu;
            _bytes = bytes;
        }

        public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

        public static Meter Start()
        {
            long bytes = GC.GetTotalAllocatedBytes(precise: true);
            TimeSpan cpu = Environment.CpuUsage.TotalTime;
            return new Meter(Stopwatch.GetTimestamp(), cpu, bytes);
        }

        public RoundSample Stop(long calls)
        {
            TimeSpan wall = Stopwatch.GetElapsedTime(_start);
            TimeSpan cpu = Environment.CpuUsage.TotalTime - _cpu;
            long bytes = GC.GetTotalAllocatedBytes(precise: true) - _bytes;
            return new RoundSample(calls, wall.TotalMicroseconds / calls, cpu.TotalMicroseconds / calls, (double)bytes / calls, calls / wall.TotalSeconds);
        }
    }

    /// <summary>Prints the results (for <c>--peers-only</c> and the console).</summary>
    public static string Format(Results results)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Peers, {results.Mode} ({results.ProcessorCount} logical CPU(s) visible, CPUs allowed {results.CpusAllowed}):"));
        foreach (Scenario scenario in results.Scenarios)
        {
            text.AppendLine($"  {scenario.Name}:");
            foreach (Row row in scenario.Rows)
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"    {row.Client,-12} wall {row.WallMicroseconds,10:F1} µs   CPU {row.CpuMicroseconds,10:F1} µs   {row.AllocatedBytes / 1024,9:F1} KiB   {row.RequestsPerSecond,9:F0} req/s"));
            }
        }

        foreach (string failure in results.Failures)
        {
            text.AppendLine($"  FAILED: {failure}");
        }

        return text.ToString();
    }

    public static void Save(Results results, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(results, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    public static Results Load(string path) =>
        System.Text.Json.JsonSerializer.Deserialize<Results>(File.ReadAllText(path))
        ?? throw new InvalidDataException($"{path} holds no results.");
}
