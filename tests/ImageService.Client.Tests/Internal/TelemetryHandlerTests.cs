using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using ImageService.Client.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ImageService.Client.Tests.Internal;

public class TelemetryHandlerTests
{
    [Fact]
    public async Task Logs_NeverContainTokenOrQueryValues()
    {
        var clients = new TestClients();
        using var logs = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var stub = clients.Stub((_, i) => i switch
        {
            0 => TestHandlerStub.Status(HttpStatusCode.Unauthorized),
            1 => TestHandlerStub.Status(HttpStatusCode.ServiceUnavailable),
            _ => TestHandlerStub.Json(HttpStatusCode.OK, """{"value":[]}"""),
        });
        ImageServiceClient client = clients.Create(stub, loggerFactory: factory);

        await foreach (ImageResponseBase _ in client.ListImagesAsync(new ImageListOptions { Name = "secret-name", ModelId = "secret-model:1" }))
        {
        }

        IReadOnlyList<FakeLogRecord> records = logs.Collector.GetSnapshot();
        Assert.NotEmpty(records);
        Assert.All(records, r =>
        {
            Assert.DoesNotContain("token-", r.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Bearer", r.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", r.Message, StringComparison.Ordinal);
        });
        FakeLogRecord received = Assert.Single(records, r => r.Id.Id == 2);
        Assert.Contains("GET", received.Message, StringComparison.Ordinal);
        Assert.Contains("/images?name=REDACTED&modelId=REDACTED", received.Message, StringComparison.Ordinal);
        Assert.Contains("returned 200 after 3 attempt(s)", received.Message, StringComparison.Ordinal);
        Assert.Contains(records, r => r.Message.Contains("Retrying GET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Activity_OnePerLogicalOperation_WithImageIdTag()
    {
        var clients = new TestClients();
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "ImageService.Client",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (activities) { activities.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson("traced:7", extra: ""","kvTags":{"a":"1"}""")));
        ImageServiceClient client = clients.Create(stub);

        // AddPropertiesAsync is two requests (a GET to refuse existing keys, then the PATCH) under one activity.
        await client.AddPropertiesAsync("traced:7", new Dictionary<string, string> { ["b"] = "2" });

        Activity activity;
        lock (activities)
        {
            activity = Assert.Single(activities, a => (string?)a.GetTagItem("imageservice.image_id") == "traced:7");
        }

        Assert.Equal("ImageService.AddProperties", activity.OperationName);
        Assert.Equal("AddProperties", activity.GetTagItem("imageservice.operation"));
        Assert.Equal(2, stub.Count);
        Assert.Equal(stub.Requests[0].Header("x-ms-client-request-id"), stub.Requests[1].Header("x-ms-client-request-id"));
    }
}
