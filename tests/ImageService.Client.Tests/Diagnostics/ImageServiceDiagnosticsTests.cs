using System;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using ImageService.Client.Diagnostics;
using ImageService.Client.Tests.TestSupport;

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
}
