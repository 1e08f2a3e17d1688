using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Diagnostics;
using ImageService.Client.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ImageService.Client.Tests.Diagnostics;

public class ImageServiceDiagnosticsTests
{
    [Fact]
    public async Task Meter_GetRetriedOnce_RecordsOneCallDurationAndOneRetryWithTheirTags()
    {
        var clients = new TestClients();
        TimeSpan latency = TimeSpan.FromMilliseconds(250); // per attempt, on the fake clock
        var stub = clients.Stub((_, i) =>
        {
            clients.Time.Advance(latency);
            return i == 0 ? TestHandlerStub.Status(HttpStatusCode.ServiceUnavailable) : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson());
        });
        ImageServiceClient client = clients.Create(stub);
        using var measurements = new ScopedMeasurements();

        await measurements.RunAsync(() => client.GetImageAsync("img:1"));

        Measurement duration = Assert.Single(measurements.Of(ImageServiceDiagnostics.RequestDurationMetric));
        Assert.Equal(0.5, duration.Value, precision: 9); // one call: both attempts, 250 ms each
        Assert.Equal("GET", duration.Tags["http.request.method"]);
        Assert.Equal(200, duration.Tags["http.response.status_code"]);
        Measurement retry = Assert.Single(measurements.Of(ImageServiceDiagnostics.RetryCountMetric));
        Assert.Equal(1, retry.Value);
        Assert.Equal("GET", retry.Tags["http.request.method"]);
        Assert.Empty(measurements.Of(ImageServiceDiagnostics.OperationDurationMetric));
        Assert.Equal(2, stub.Count);
    }

    [Fact]
    public async Task Meter_FailedCall_RecordsItsDurationWithTheErrorType()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => throw new HttpRequestException("connection refused"));
        ImageServiceClient client = clients.Create(stub, o => o.MaxRetryAttempts = 0);
        using var measurements = new ScopedMeasurements();

        await measurements.RunAsync(async () => await Assert.ThrowsAnyAsync<Exception>(() => client.GetImageAsync("img:1")));

        Measurement duration = Assert.Single(measurements.Of(ImageServiceDiagnostics.RequestDurationMetric));
        Assert.Equal("GET", duration.Tags["http.request.method"]);
        Assert.Equal(nameof(HttpRequestException), duration.Tags["error.type"]);
        Assert.False(duration.Tags.ContainsKey("http.response.status_code"));
        Assert.Empty(measurements.Of(ImageServiceDiagnostics.RetryCountMetric));
    }

    [Fact]
    public async Task Meter_OperationPolledToSuccess_RecordsItsDurationTypeAndState()
    {
        var clients = new TestClients();
        var stub = clients.Stub((request, i) =>
        {
            clients.Time.Advance(TimeSpan.FromSeconds(2));
            return request.RequestUri!.AbsolutePath.Contains("/operations/", StringComparison.Ordinal)
                ? TestHandlerStub.Json(HttpStatusCode.OK, i == 0
                    ? """{"id":"op-m","state":"Running"}"""
                    : """{"id":"op-m","state":"Succeeded","resourceLocation":"/x/images/img:1"}""")
                : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson());
        });
        ImageServiceClient client = clients.Create(stub, o => o.PollingInterval = TimeSpan.FromSeconds(5));
        using var measurements = new ScopedMeasurements();

        await measurements.RunAsync(() => clients.Time.DriveAsync(client.GetCreateImageOperation("op-m").WaitForCompletionAsync()));

        Measurement operation = Assert.Single(measurements.Of(ImageServiceDiagnostics.OperationDurationMetric));
        Assert.Equal("CreateImage", operation.Tags["imageservice.operation_type"]);
        Assert.Equal("Succeeded", operation.Tags["imageservice.operation_state"]);
        Assert.True(operation.Value >= 5, $"The operation took at least one polling interval (5 s) on the fake clock; recorded {operation.Value} s.");
        Assert.Equal(3, measurements.Of(ImageServiceDiagnostics.RequestDurationMetric).Count); // two polls and the result
    }

    [Fact]
    public async Task DependencyInjection_Retry_RecordedOnceBySdkAndNeverByPolly()
    {
        var clients = new TestClients();
        using var logs = new FakeLoggerProvider();
        var stub = clients.Stub((_, i) => i == 0 ? TestHandlerStub.Status(HttpStatusCode.ServiceUnavailable) : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddImageServiceClient(clients.Apply).ConfigurePrimaryHttpMessageHandler(() => stub);
        using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<ImageServiceClient>().GetImageAsync("img:1");

        IReadOnlyList<FakeLogRecord> records = logs.Collector.GetSnapshot();
        Assert.Equal(2, stub.Count);
        FakeLogRecord retry = Assert.Single(records, r => r.Level >= LogLevel.Warning);
        Assert.Equal(4, retry.Id.Id);
        Assert.Equal("ImageService.Client", retry.Category);
        Assert.Contains("attempt 1 failed with 503", retry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(records, r => r.Category?.StartsWith("Polly", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(records, r => r.Level == LogLevel.Information);
    }

    private sealed record Measurement(double Value, IReadOnlyDictionary<string, object?> Tags);

    /// <summary>
    /// The client's measurements made within <see cref="RunAsync"/> only. The meter is process-wide and the unit tests
    /// run in parallel, so a listener alone would also see other tests' calls; a MeterListener callback runs on the
    /// recording code's execution context, so an <see cref="AsyncLocal{T}"/> set around this test's calls tells its
    /// measurements apart.
    /// </summary>
    private sealed class ScopedMeasurements : IDisposable
    {
        private static readonly AsyncLocal<ScopedMeasurements?> s_current = new();
        private readonly ConcurrentQueue<(string Instrument, Measurement Measurement)> _recorded = new();
        private readonly MeterListener _listener = new();

        public ScopedMeasurements()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ImageServiceDiagnostics.SourceName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.Start();
        }

        public async Task RunAsync(Func<Task> calls)
        {
            s_current.Value = this;
            try
            {
                await calls();
            }
            finally
            {
                s_current.Value = null;
            }
        }

        public IReadOnlyList<Measurement> Of(string instrument) => _recorded.Where(r => r.Instrument == instrument).Select(r => r.Measurement).ToArray();

        public void Dispose() => _listener.Dispose();

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (s_current.Value == this)
            {
                _recorded.Enqueue((instrument.Name, new Measurement(value, new Dictionary<string, object?>(tags.ToArray()))));
            }
        }
    }
}
