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
            0 => TestHandlerStub.Status(HttpStatusCode.Unauthorized, ("WWW-Authenticate", "Bearer error=\"insufficient_claims\", claims=\"" + ClaimsBase64 + "\"")),
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
            Assert.DoesNotContain(ClaimsBase64, r.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("essential", r.Message, StringComparison.Ordinal);
        });
        FakeLogRecord received = Assert.Single(records, r => r.Id.Id == 2);
        Assert.Contains("GET", received.Message, StringComparison.Ordinal);
        Assert.Contains("/images?name=REDACTED&modelId=REDACTED", received.Message, StringComparison.Ordinal);
        // Attempts are the retry strategy's: the re-send after the claims challenge (logged as event 6) belongs to the first.
        Assert.Contains("returned 200 after 2 attempt(s)", received.Message, StringComparison.Ordinal);
        Assert.Contains(records, r => r.Message.Contains("Retrying GET", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 6 && r.Message.Contains("Continuous Access Evaluation", StringComparison.Ordinal));
    }

    private const string ClaimsBase64 = "eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ==";

    [Theory]
    [InlineData(200, LogLevel.Debug, 2)]
    [InlineData(204, LogLevel.Debug, 2)]
    [InlineData(404, LogLevel.Debug, 2)]
    [InlineData(412, LogLevel.Debug, 2)]
    [InlineData(401, LogLevel.Warning, 8)]
    [InlineData(403, LogLevel.Warning, 8)]
    [InlineData(429, LogLevel.Warning, 8)]
    [InlineData(503, LogLevel.Warning, 8)]
    public async Task Completion_LevelFollowsStatus_DebugForAnswersWarningForTrouble(int status, LogLevel level, int eventId)
    {
        var clients = new TestClients();
        using var logs = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var stub = clients.Stub((_, _) => TestHandlerStub.Json((HttpStatusCode)status, "{}"));
        ImageServiceClient client = clients.Create(stub, o => o.MaxRetryAttempts = 0, factory);

        await Record.ExceptionAsync(() => client.DeleteImageAsync("img:1"));

        FakeLogRecord completion = Assert.Single(logs.Collector.GetSnapshot(), r => r.Id.Id is 2 or 8);
        Assert.Equal(level, completion.Level);
        Assert.Equal(eventId, completion.Id.Id);
        Assert.Contains($"returned {status} after 1 attempt(s)", completion.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Collector.GetSnapshot(), r => r.Level == LogLevel.Information);
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

    [Fact]
    public async Task CircuitBreaker_OpensAndCloses_LoggedOnceEach()
    {
        var clients = new TestClients();
        using var logs = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        bool healthy = false;
        var stub = clients.Stub((_, _) => healthy ? TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()) : TestHandlerStub.Status(HttpStatusCode.ServiceUnavailable));
        ImageServiceClient client = clients.Create(stub, o =>
        {
            o.MaxRetryAttempts = 0;
            o.CircuitBreakerEnabled = true;
            o.CircuitBreakerMinimumThroughput = 2;
            o.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(5);
        }, factory);

        for (int i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));
        }

        healthy = true;
        clients.Time.Advance(TimeSpan.FromSeconds(6)); // past the break: the next call is the trial
        await client.GetImageAsync("img:1");

        IReadOnlyList<FakeLogRecord> records = logs.Collector.GetSnapshot();
        FakeLogRecord opened = Assert.Single(records, r => r.Id.Id == 10);
        FakeLogRecord closed = Assert.Single(records, r => r.Id.Id == 11);
        Assert.Equal(LogLevel.Warning, opened.Level);
        Assert.Contains("(503)", opened.Message, StringComparison.Ordinal);
        Assert.Contains("for 5000 ms", opened.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, closed.Level);
        Assert.Equal(3, stub.Count); // the third call failed at once, without a request
    }
}
