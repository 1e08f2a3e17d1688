using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using ImageService.Client;
using Microsoft.Extensions.Logging;

namespace ImageService.Benchmarks;

/// <summary>1. GET one image: the SDK's full pipeline against a hand-written HttpClient call (the floor).</summary>
public class GetImageBenchmarks
{
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
        Check.Image(Floor().GetAwaiter().GetResult());
        Check.Image(Sdk().GetAwaiter().GetResult());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // The token is cached: one credential call for the whole run, not one per request.
        Check.That(_credential.Calls == 1, $"The SDK asked the credential {_credential.Calls} times; expected once.");
        _floor.Dispose();
        _logging.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<ImageResponseBase> Floor() => _floor.GetImageAsync();

    [Benchmark]
    public Task<ImageResponseBase> Sdk() => _sdk.GetImageAsync(Payloads.ImageId);
}
