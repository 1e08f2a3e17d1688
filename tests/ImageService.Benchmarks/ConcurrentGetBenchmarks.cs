using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using ImageService.Client;
using Microsoft.Extensions.Logging;

namespace ImageService.Benchmarks;

/// <summary>4. 64 concurrent GETs. The mean is per GET (OperationsPerInvoke), so throughput is its inverse.</summary>
public class ConcurrentGetBenchmarks
{
    public const int Concurrency = 64;

    private readonly Task<ImageResponseBase>[] _tasks = new Task<ImageResponseBase>[Concurrency];
    private BenchServer _server = null!;
    private ImageServiceClient _sdk = null!;
    private CountingCredential _credential = null!;
    private ILoggerFactory _logging = null!;
    private FloorClient _floor = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchServer.StartAsync().GetAwaiter().GetResult();
        (_sdk, _credential, _logging) = Clients.CreateSdk(_server.Endpoint);
        _floor = new FloorClient(_server.Endpoint);

        // Open the 64 connections of each client before measuring.
        Floor().GetAwaiter().GetResult();
        Sdk().GetAwaiter().GetResult();
        Check.Image(_tasks[Concurrency - 1].Result);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // 64 requests racing for the first token still make one credential call.
        Check.That(_credential.Calls == 1, $"The SDK asked the credential {_credential.Calls} times; expected once.");
        _floor.Dispose();
        _logging.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Concurrency)]
    public Task Floor()
    {
        for (int i = 0; i < Concurrency; i++)
        {
            _tasks[i] = _floor.GetImageAsync();
        }

        return Task.WhenAll(_tasks);
    }

    [Benchmark(OperationsPerInvoke = Concurrency)]
    public Task Sdk()
    {
        for (int i = 0; i < Concurrency; i++)
        {
            _tasks[i] = _sdk.GetImageAsync(Payloads.ImageId);
        }

        return Task.WhenAll(_tasks);
    }
}
