using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using ImageService.Client;
using ImageService.Client.Internal;
using Microsoft.Extensions.Logging;
using Stage = ImageService.Client.Internal.ImageServiceHttpPipeline.Stage;

namespace ImageService.Benchmarks;

/// <summary>
/// The SDK's own CPU cost per GET, layer by layer, over an in-memory transport that answers at once with the same
/// body the bench server sends. Without sockets and a server sharing the two cores, the differences between rows are
/// the SDK's overhead alone, measured to the nanosecond; the loopback comparisons (GetImageBenchmarks) remain the
/// headline. Run with <c>--only PipelineOverhead</c>.
/// </summary>
public class PipelineOverheadBenchmarks
{
    private static readonly Uri s_endpoint = new("http://127.0.0.1:5000/");

    private FloorClient _floor = null!;
    private ImageServiceRestClient _generated = null!;
    private ImageServiceClient _facade = null!;
    private ImageServiceClient _telemetry = null!;
    private ImageServiceClient _resilience = null!;
    private ImageServiceClient _auth = null!;
    private ImageServiceClient _sizeLimit = null!;
    private ImageServiceClient _full = null!;
    private ILoggerFactory _logging = null!;

    [GlobalSetup]
    public void Setup()
    {
        _logging = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new NoopLoggerProvider()));
        _floor = new FloorClient(s_endpoint, new InMemoryTransport());
        _generated = new ImageServiceRestClient(new HttpClient(new InMemoryTransport()) { BaseAddress = s_endpoint, Timeout = Timeout.InfiniteTimeSpan });
        _facade = Build();
        _telemetry = Build(Stage.Telemetry);
        _resilience = Build(Stage.Resilience);
        _auth = Build(Stage.Authentication);
        _sizeLimit = Build(Stage.ResponseSizeLimit);
        _full = Build([.. ImageServiceHttpPipeline.Stages]);
        Check.Image(Floor().GetAwaiter().GetResult());
        Check.Image(Full().GetAwaiter().GetResult());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _floor.Dispose();
        _logging.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<ImageResponseBase> Floor() => _floor.GetImageAsync();

    [Benchmark]
    public async Task<ImageResponseBase> GeneratedOnly() =>
        (await _generated.Images_QueryByIdAsync(Payloads.Subscription, Payloads.ResourceGroup, Payloads.Workspace, Payloads.ImageId).ConfigureAwait(false)).Result;

    [Benchmark]
    public Task<ImageResponseBase> Facade() => _facade.GetImageAsync(Payloads.ImageId);

    [Benchmark]
    public Task<ImageResponseBase> FacadeRequestIdTelemetry() => _telemetry.GetImageAsync(Payloads.ImageId);

    [Benchmark]
    public Task<ImageResponseBase> FacadeResilience() => _resilience.GetImageAsync(Payloads.ImageId);

    [Benchmark]
    public Task<ImageResponseBase> FacadeAuth() => _auth.GetImageAsync(Payloads.ImageId);

    [Benchmark]
    public Task<ImageResponseBase> FacadeSizeLimit() => _sizeLimit.GetImageAsync(Payloads.ImageId);

    [Benchmark]
    public Task<ImageResponseBase> Full() => _full.GetImageAsync(Payloads.ImageId);

    private ImageServiceClient Build(params Stage[] stages) => Clients.CreateLayered(new InMemoryTransport(), s_endpoint, _logging, stages);

    /// <summary>Answers every request at once with the bench image, as Kestrel would (Content-Length, JSON content type).</summary>
    internal sealed class InMemoryTransport : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(Payloads.Image);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            content.Headers.ContentLength = Payloads.Image.Length;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }
}
