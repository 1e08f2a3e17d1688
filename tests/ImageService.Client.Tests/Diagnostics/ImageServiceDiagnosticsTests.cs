using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http;
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
    public async Task Meter_RecordsRequestDurationRetriesAndOperationDuration()
    {
        var seen = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ImageServiceDiagnostics.SourceName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => seen.AddOrUpdate(instrument.Name, 1, (_, n) => n + 1));
        listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => seen.AddOrUpdate(instrument.Name, 1, (_, n) => n + 1));
        listener.Start();

        var clients = new TestClients();
        var stub = clients.Stub((request, i) => i == 0
            ? TestHandlerStub.Status(HttpStatusCode.ServiceUnavailable)
            : request.RequestUri!.AbsolutePath.Contains("/operations/", StringComparison.Ordinal)
                ? TestHandlerStub.Json(HttpStatusCode.OK, """{"id":"op-m","state":"Succeeded","resourceLocation":"/x/images/img:1"}""")
                : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        await client.GetCreateImageOperation("op-m").WaitForCompletionAsync();

        Assert.True(seen.ContainsKey(ImageServiceDiagnostics.RequestDurationMetric));
        Assert.True(seen.ContainsKey(ImageServiceDiagnostics.RetryCountMetric));
        Assert.True(seen.ContainsKey(ImageServiceDiagnostics.OperationDurationMetric));
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
}
