using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using ImageService.Client;
using Microsoft.Extensions.Logging;

namespace ImageService.Benchmarks;

/// <summary>3. List 10,000 and 100,000 images, pages of 1,000, with <c>await foreach</c> over the SDK's pageable.</summary>
public class ListingBenchmarks
{
    private BenchServer _server = null!;
    private ImageServiceClient _sdk = null!;
    private ILoggerFactory _logging = null!;

    [Params(10_000, 100_000)]
    public int Items { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchServer.StartAsync().GetAwaiter().GetResult();
        (_sdk, _, _logging) = Clients.CreateSdk(_server.Endpoint, ListingProbe.Workspace(Items));
        int listed = ListAll().GetAwaiter().GetResult();
        Check.That(listed == Items, $"Listed {listed} images; expected {Items}.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _logging.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public Task<int> ListAll() => ListingProbe.CountAsync(_sdk);
}
