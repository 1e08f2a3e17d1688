using System.Collections.Generic;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;

namespace ImageService.Benchmarks.Peers;

/// <summary>
/// 5. The SDK against the floor and the peers at equal features (BenchmarkDotNet; <see cref="PeerComparison"/> is the
/// interleaved cross-check with CPU time per call). One GET, one page of 1,000, and 64 concurrent GETs (mean per GET).
/// Each client's setup checks that it returns the same image and page as the server sent, or the row fails.
/// </summary>
public class PeerBenchmarks
{
    private readonly Task[] _tasks = new Task[PeerComparison.Concurrency];
    private BenchServer _server = null!;
    private PeerClient _client = null!;

    public static IEnumerable<string> Clients => PeerSet.Names;

    [ParamsSource(nameof(Clients))]
    public string Client { get; set; } = "SDK";

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchServer.StartAsync().GetAwaiter().GetResult();
        _client = PeerSet.Create(Client, _server.Endpoint);
        PeerSet.VerifyAsync(_client).GetAwaiter().GetResult();
        Concurrent64().GetAwaiter().GetResult(); // open the 64 connections before measuring
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public Task Get() => _client.GetImageAsync();

    [Benchmark]
    public Task Page() => _client.GetPageAsync();

    [Benchmark(OperationsPerInvoke = PeerComparison.Concurrency)]
    public Task Concurrent64()
    {
        for (int i = 0; i < PeerComparison.Concurrency; i++)
        {
            _tasks[i] = _client.GetImageAsync();
        }

        return Task.WhenAll(_tasks);
    }
}
