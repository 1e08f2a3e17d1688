using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client;
using ImageService.Client.Internal;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Stage = ImageService.Client.Internal.ImageServiceHttpPipeline.Stage;

namespace ImageService.Benchmarks;

/// <summary>
/// Where the SDK's time goes: the GET with one layer of the SDK at a time, and page deserialization, each variant
/// called in turn with the others (call by call, or batch by batch for the concurrent runs) so that drift in this
/// shared machine's speed hits every variant alike; medians ignore the scheduler's outliers. A cross-check of the
/// BenchmarkDotNet means, whose run-to-run noise here is large; the target verdicts stay with BenchmarkDotNet.
/// Run by <c>build.ps1 bench</c> (written to RESULTS.md), or alone with <c>--ablate</c>.
/// </summary>
public static class Ablation
{
    /// <summary>
    /// One variant's median, and its ratio to the first variant (the floor or raw Newtonsoft); and the process CPU time
    /// per call (all threads, the in-process server's included: total over the run divided by the calls), which is what
    /// one-core mode (<c>--pin --ablate</c>) is for.
    /// </summary>
    public sealed record Row(string Variant, double Median, double Ratio, double P25, double P90, double CpuMicroseconds = double.NaN, double AllocatedBytes = double.NaN);

    /// <summary>The three cross-checks.</summary>
    public sealed record Results(
        IReadOnlyList<Row> SequentialGetMicroseconds,
        IReadOnlyList<Row> SequentialInMemoryMicroseconds,
        IReadOnlyList<Row> ConcurrentGetRequestsPerSecond,
        IReadOnlyList<Row> ConcurrentInMemoryRequestsPerSecond,
        IReadOnlyList<Row> PageMilliseconds,
        int Calls,
        int Concurrency,
        int PageIterations);

    public static async Task<Results> RunAsync(int calls = 10_000, int concurrentRounds = 8, int pageIterations = 300)
    {
        await using BenchServer server = await BenchServer.StartAsync().ConfigureAwait(false);
        using ILoggerFactory logging = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new NoopLoggerProvider()));
        using var floor = new FloorClient(server.Endpoint);
        List<(string Name, Func<Task> Call)> variants = Layers(server.Endpoint, logging, floor, ImageServiceHttpPipeline.CreateTransport);

        using var inMemoryFloor = new FloorClient(server.Endpoint, new PipelineOverheadBenchmarks.InMemoryTransport());
        List<(string Name, Func<Task> Call)> inMemory = Layers(server.Endpoint, logging, inMemoryFloor, () => new PipelineOverheadBenchmarks.InMemoryTransport());
        foreach ((_, Func<Task> call) in variants.Concat(inMemory))
        {
            for (int i = 0; i < 2_000; i++)
            {
                await call().ConfigureAwait(false);
            }
        }

        return new Results(
            await SequentialAsync(variants, calls).ConfigureAwait(false),
            await SequentialAsync(inMemory, calls).ConfigureAwait(false),
            await ConcurrentAsync(variants, concurrentRounds).ConfigureAwait(false),
            await ConcurrentAsync(inMemory, concurrentRounds).ConfigureAwait(false),
            await PageAsync(pageIterations).ConfigureAwait(false),
            calls,
            Concurrency,
            pageIterations);
    }

    private const int Concurrency = 64;

    /// <summary>The floor, then the SDK with one layer at a time, then the whole SDK, all over transports from <paramref name="transport"/>.</summary>
    private static List<(string Name, Func<Task> Call)> Layers(Uri endpoint, ILoggerFactory logging, FloorClient floor, Func<HttpMessageHandler> transport) =>
    [
        ("floor (hand-written HttpClient call)", () => floor.GetImageAsync()),
        ("generated client alone", Rest(endpoint, transport())),
        ("facade, no handler", Facade(endpoint, logging, transport())),
        ("facade, caller's token cancellable", Cancellable(FacadeWithToken(endpoint, logging, transport()))),
        ("facade + telemetry (request id, logs, metrics)", Facade(endpoint, logging, transport(), Stage.Telemetry)),
        ("facade + telemetry, logging off", Facade(endpoint, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, transport(), Stage.Telemetry)),
        ("facade + resilience (all four strategies)", Facade(endpoint, logging, transport(), Stage.Resilience)),
        ("facade + one Polly timeout", Custom(endpoint, logging, transport(), b => b.AddTimeout(TimeSpan.FromSeconds(100)))),
        ("facade + Polly retry and breaker", Custom(endpoint, logging, transport(), b => b.AddRetry(new HttpRetryStrategyOptions()).AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions()))),
        ("facade + auth", Facade(endpoint, logging, transport(), Stage.Authentication)),
        ("facade + size limit", Facade(endpoint, logging, transport(), Stage.ResponseSizeLimit)),
        ("facade + size limit four times", Facade(endpoint, logging, transport(), Stage.ResponseSizeLimit, Stage.ResponseSizeLimit, Stage.ResponseSizeLimit, Stage.ResponseSizeLimit)),
        ("full SDK without resilience", Facade(endpoint, logging, transport(), [.. ImageServiceHttpPipeline.Stages.Where(s => s != Stage.Resilience)])),
        ("full SDK", Facade(endpoint, logging, transport(), [.. ImageServiceHttpPipeline.Stages])),
    ];

    /// <summary>Each variant once per turn, <paramref name="calls"/> turns; times in µs, or in larger units.</summary>
    private static async Task<Row[]> SequentialAsync(List<(string Name, Func<Task> Call)> variants, int calls, double microsecondsPerUnit = 1)
    {
        var latencies = variants.ToDictionary(v => v.Name, _ => new double[calls]);
        var cpu = variants.ToDictionary(v => v.Name, _ => TimeSpan.Zero);
        var allocated = variants.ToDictionary(v => v.Name, _ => 0L);
        for (int i = 0; i < calls; i++)
        {
            foreach ((string name, Func<Task> call) in variants)
            {
                // The CPU and allocation reads sit outside the timed span; they add the same to every variant's CPU.
                // Allocation is the whole process's (the in-process server's included), as in the peer tables.
                long bytesStart = GC.GetTotalAllocatedBytes(precise: true);
                TimeSpan cpuStart = Environment.CpuUsage.TotalTime;
                long start = Stopwatch.GetTimestamp();
                await call().ConfigureAwait(false);
                latencies[name][i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / microsecondsPerUnit;
                cpu[name] += Environment.CpuUsage.TotalTime - cpuStart;
                allocated[name] += GC.GetTotalAllocatedBytes(precise: true) - bytesStart;
            }
        }

        return Rows(variants.Select(v => (v.Name, latencies[v.Name], cpu[v.Name].TotalMicroseconds / calls / microsecondsPerUnit, (double)allocated[v.Name] / calls)));
    }

    private static async Task<Row[]> ConcurrentAsync(List<(string Name, Func<Task> Call)> variants, int rounds)
    {
        var throughput = variants.ToDictionary(v => v.Name, _ => new List<double>());
        var cpu = variants.ToDictionary(v => v.Name, _ => (Time: TimeSpan.Zero, Calls: 0L));
        var tasks = new Task[Concurrency];
        for (int round = 0; round < rounds; round++)
        {
            foreach ((string name, Func<Task> call) in variants)
            {
                long requests = 0;
                TimeSpan cpuStart = Environment.CpuUsage.TotalTime;
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < TimeSpan.FromMilliseconds(250))
                {
                    for (int t = 0; t < Concurrency; t++)
                    {
                        tasks[t] = call();
                    }

                    await Task.WhenAll(tasks).ConfigureAwait(false);
                    requests += Concurrency;
                }

                throughput[name].Add(requests / clock.Elapsed.TotalSeconds);
                cpu[name] = (cpu[name].Time + (Environment.CpuUsage.TotalTime - cpuStart), cpu[name].Calls + requests);
            }
        }

        return Rows(variants.Select(v => (v.Name, throughput[v.Name].ToArray(), cpu[v.Name].Time.TotalMicroseconds / cpu[v.Name].Calls, double.NaN)));
    }

    /// <summary>Prints the results (for <c>--ablate</c>).</summary>
    public static string Format(Results results)
    {
        var text = new StringBuilder();
        Append(text, $"GET, sequential, {results.Calls:N0} calls each (µs):", results.SequentialGetMicroseconds);
        Append(text, "GET, sequential, in-memory transport (µs):", results.SequentialInMemoryMicroseconds);
        Append(text, $"GET, {results.Concurrency} concurrent, median of the rounds (req/s):", results.ConcurrentGetRequestsPerSecond);
        Append(text, $"GET, {results.Concurrency} concurrent, in-memory transport (req/s):", results.ConcurrentInMemoryRequestsPerSecond);
        Append(text, $"Page of 1,000, {results.PageIterations} times each (ms):", results.PageMilliseconds);
        return text.ToString();
    }

    private static void Append(StringBuilder text, string title, IReadOnlyList<Row> rows)
    {
        text.AppendLine(title);
        foreach (Row row in rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {row.Variant,-44} {row.Median,10:F1} {row.Ratio,6:F2}×   p25 {row.P25,10:F1}   p90 {row.P90,10:F1}   CPU {row.CpuMicroseconds,8:F1} µs/call{(double.IsNaN(row.AllocatedBytes) ? string.Empty : $"   {row.AllocatedBytes,9:F0} B/call")}"));
        }
    }

    private static async Task<Row[]> PageAsync(int iterations)
    {
        var benchmarks = new PageDeserializationBenchmarks();
        benchmarks.Setup();
        var variants = new List<(string Name, Func<Task> Call)>
        {
            ("raw Newtonsoft", Synchronous(benchmarks.RawNewtonsoft)),
            ("SDK", Synchronous(benchmarks.Sdk)),
            ("System.Text.Json source-generated", Synchronous(benchmarks.SystemTextJsonSourceGen)),
        };
        return await SequentialAsync(variants, iterations, microsecondsPerUnit: 1_000).ConfigureAwait(false);

        static Func<Task> Synchronous(Func<object> deserialize) => () =>
        {
            GC.KeepAlive(deserialize());
            return Task.CompletedTask;
        };
    }

    private static Row[] Rows(IEnumerable<(string Name, double[] Values, double Cpu, double Allocated)> variants)
    {
        var rows = variants.Select(v => (v.Name, Median: Percentile(v.Values, 0.5), P25: Percentile(v.Values, 0.25), P90: Percentile(v.Values, 0.9), v.Cpu, v.Allocated)).ToArray();
        return rows.Select(r => new Row(r.Name, r.Median, r.Median / rows[0].Median, r.P25, r.P90, r.Cpu, r.Allocated)).ToArray();
    }

    internal static double Percentile(double[] values, double fraction)
    {
        double[] sorted = [.. values.Order()];
        return sorted[(int)Math.Round(fraction * (sorted.Length - 1))];
    }

    private static Func<Task> Rest(Uri endpoint, HttpMessageHandler transport)
    {
        var http = new HttpClient(transport) { BaseAddress = ImageServiceHttpPipeline.NormalizeEndpoint(endpoint), Timeout = Timeout.InfiniteTimeSpan };
        var rest = new ImageServiceRestClient(http);
        return () => rest.Images_QueryByIdAsync(Payloads.Subscription, Payloads.ResourceGroup, Payloads.Workspace, Payloads.ImageId);
    }

    private static Func<Task> Cancellable(Func<CancellationToken, Task> call)
    {
        var source = new CancellationTokenSource();
        return () => call(source.Token);
    }

    private static Func<Task> Custom(Uri endpoint, ILoggerFactory logging, HttpMessageHandler transport, Action<Polly.ResiliencePipelineBuilder<HttpResponseMessage>> configure)
    {
        var builder = new Polly.ResiliencePipelineBuilder<HttpResponseMessage>();
        configure(builder);
        ImageServiceClientOptions options = Clients.Options(endpoint, new CountingCredential(), logging);
        var http = new HttpClient(new ResilienceHandler(builder.Build()) { InnerHandler = transport })
        {
            BaseAddress = ImageServiceHttpPipeline.NormalizeEndpoint(endpoint),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var client = new ImageServiceClient(http, options);
        return () => client.GetImageAsync(Payloads.ImageId);
    }

    private static Func<Task> Facade(Uri endpoint, ILoggerFactory logging, HttpMessageHandler transport, params Stage[] stages)
    {
        Func<CancellationToken, Task> call = FacadeWithToken(endpoint, logging, transport, stages);
        return () => call(default);
    }

    private static Func<CancellationToken, Task> FacadeWithToken(Uri endpoint, ILoggerFactory logging, HttpMessageHandler transport, params Stage[] stages)
    {
        ImageServiceClient client = Clients.CreateLayered(transport, endpoint, logging, stages);
        return ct => client.GetImageAsync(Payloads.ImageId, ct);
    }
}
