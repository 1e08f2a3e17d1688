using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ImageService.Client.Tests.Internal;

public class ImageServiceResilienceTests
{
    private static readonly DockerImageRequest s_request = new() { Name = "img", ImageFlavor = ImageFlavor.WebApiContainer };

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Get_TransientStatus_IsRetried(int status)
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => i == 0 ? TestHandlerStub.Status((HttpStatusCode)status) : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        ImageResponseBase image = await client.GetImageAsync("img:1");

        Assert.Equal("img:1", image.Id);
        Assert.Equal(2, stub.Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(409)]
    public async Task Get_NonTransientStatus_IsNotRetried(int status)
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json((HttpStatusCode)status, """{"code":"Nope","message":"no"}"""));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Equal(status, ex.Status);
        Assert.Equal(1, stub.Count);
    }

    [Fact]
    public async Task Get_TransientStatusEveryTime_StopsAfterMaxRetryAttempts()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.InternalServerError, """{"code":"Boom","message":"server broke"}"""));
        ImageServiceClient client = clients.Create(stub, o => o.MaxRetryAttempts = 2);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Equal(3, stub.Count);
        Assert.Equal(500, ex.Status);
        Assert.Equal("Boom", ex.ErrorCode);
        Assert.Contains("500", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Boom", ex.Message, StringComparison.Ordinal);
        Assert.Contains("server broke", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Post_ThrottledOrUnavailable_IsRetried(int status)
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => i == 0
            ? TestHandlerStub.Status((HttpStatusCode)status)
            : TestHandlerStub.Status(HttpStatusCode.Accepted, ("Operation-Location", TestClients.Endpoint + "operations/op-1")));
        ImageServiceClient client = clients.Create(stub);

        CreateImageOperation operation = await client.StartCreateImageAsync(s_request);

        Assert.Equal("op-1", operation.Id);
        Assert.Equal(2, stub.Count);
        Assert.All(stub.Requests, r => Assert.Equal(HttpMethod.Post, r.Method));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Post_ServerMayHaveActed_IsNotRetried(int status)
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json((HttpStatusCode)status, """{"code":"Oops","message":"m"}"""));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.StartCreateImageAsync(s_request));

        Assert.Equal(status, ex.Status);
        Assert.Equal(1, stub.Count);
    }

    [Fact]
    public async Task Patch_InternalServerError_IsNotRetried()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Status(HttpStatusCode.InternalServerError));
        ImageServiceClient client = clients.Create(stub);

        await Assert.ThrowsAsync<ImageServiceException>(() => client.UpdateImageAsync("img:1", new ImagePatch().ReplaceDescription("d")));

        Assert.Equal(1, stub.Count);
    }

    [Fact]
    public async Task Post_ConnectionRefused_IsRetried()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => i == 0
            ? throw new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused))
            : TestHandlerStub.Status(HttpStatusCode.Accepted, ("Operation-Location", "operations/op-2")));
        ImageServiceClient client = clients.Create(stub);

        CreateImageOperation operation = await client.StartCreateImageAsync(s_request);

        Assert.Equal("op-2", operation.Id);
        Assert.Equal(2, stub.Count);
    }

    [Fact]
    public async Task Post_ConnectionErrorCategory_IsRetried()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => i == 0
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "no route")
            : TestHandlerStub.Status(HttpStatusCode.Accepted, ("Operation-Location", "operations/op-3")));
        ImageServiceClient client = clients.Create(stub);

        await client.StartCreateImageAsync(s_request);

        Assert.Equal(2, stub.Count);
    }

    [Fact]
    public async Task Post_ResponseLostAfterSending_IsNotRetried()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => throw new HttpRequestException(HttpRequestError.ResponseEnded, "connection closed mid-response"));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.StartCreateImageAsync(s_request));

        Assert.Equal(1, stub.Count);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task Get_TransportErrorEveryTime_SurfacesAsImageServiceExceptionAfterRetries()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => throw new HttpRequestException(HttpRequestError.ResponseEnded, "reset"));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.Equal(4, stub.Count);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Equal(0, ex.Status);
    }

    [Fact]
    public async Task Post_AttemptTimeout_IsNotRetried()
    {
        var clients = new TestClients();
        var stub = new TestHandlerStub(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, clients.Time, ct);
            return TestHandlerStub.Status(HttpStatusCode.Accepted);
        }, clients.Time);
        ImageServiceClient client = clients.Create(stub, o => o.AttemptTimeout = TimeSpan.FromSeconds(2));

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => clients.Time.DriveAsync(client.StartCreateImageAsync(s_request), TimeSpan.FromMilliseconds(100)));

        Assert.Equal(1, stub.Count);
        Assert.IsType<TimeoutRejectedException>(ex.InnerException);
    }

    [Fact]
    public async Task Get_AttemptTimeout_IsRetried()
    {
        var clients = new TestClients();
        var stub = new TestHandlerStub(async (_, i, ct) =>
        {
            if (i == 0)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, clients.Time, ct);
            }

            return TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson());
        }, clients.Time);
        ImageServiceClient client = clients.Create(stub, o => o.AttemptTimeout = TimeSpan.FromSeconds(2));

        await clients.Time.DriveAsync(client.GetImageAsync("img:1"), TimeSpan.FromMilliseconds(100));

        Assert.Equal(2, stub.Count);
    }

    [Fact]
    public async Task Get_TotalTimeout_SurfacesAsImageServiceException()
    {
        var clients = new TestClients();
        var stub = new TestHandlerStub(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, clients.Time, ct);
            return TestHandlerStub.Status(HttpStatusCode.OK);
        }, clients.Time);
        ImageServiceClient client = clients.Create(stub, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(2);
            o.TotalRequestTimeout = TimeSpan.FromSeconds(5);
        });

        // Fake time moves in steps of 10 ms, each after a real millisecond or more: the 3 s between the first attempt's
        // timeout and the total timeout leave the retry hundreds of real milliseconds to start, even on a loaded machine.
        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => clients.Time.DriveAsync(client.GetImageAsync("img:1"), TimeSpan.FromMilliseconds(10)));

        Assert.IsType<TimeoutRejectedException>(ex.InnerException);
        Assert.Contains("TotalRequestTimeout", ex.Message, StringComparison.Ordinal);
        Assert.InRange(stub.Count, 2, 3);
    }

    [Theory]
    [InlineData("Retry-After", "7", 7000)]
    [InlineData("x-ms-retry-after-ms", "1500", 1500)]
    public async Task Get_ServerDelayHeader_IsHonoured(string header, string value, int expectedMs)
    {
        var clients = new TestClients();
        using var logs = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var stub = clients.Stub((_, i) => i == 0 ? TestHandlerStub.Status(HttpStatusCode.TooManyRequests, (header, value)) : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub, loggerFactory: factory);

        await clients.Time.DriveAsync(client.GetImageAsync("img:1"), TimeSpan.FromMilliseconds(50));

        TimeSpan gap = stub.Requests[1].Time - stub.Requests[0].Time;
        Assert.InRange(gap.TotalMilliseconds, expectedMs, expectedMs + 500);
        Assert.Contains(logs.Collector.GetSnapshot(), r => r.Message.Contains($"next attempt in {expectedMs} ms", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("x-ms-retry-after-ms", "1e20")]
    [InlineData("x-ms-retry-after-ms", "Infinity")]
    [InlineData("Retry-After", "99999999999999999999")]
    [InlineData("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")]
    public async Task Get_ServerDelayPastTimeSpan_RetriesAfterMaxDelay(string header, string value)
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => i == 0 ? TestHandlerStub.Status(HttpStatusCode.ServiceUnavailable, (header, value)) : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub, o =>
        {
            o.MaxDelay = TimeSpan.FromSeconds(20);
            o.TotalRequestTimeout = TimeSpan.FromMinutes(5);
        });

        await clients.Time.DriveAsync(client.GetImageAsync("img:1"), TimeSpan.FromMilliseconds(100));

        TimeSpan gap = stub.Requests[1].Time - stub.Requests[0].Time;
        Assert.InRange(gap.TotalSeconds, 20, 20.5);
    }

    [Fact]
    public async Task Get_MsHeaderAndRetryAfter_MsHeaderWins()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => i == 0
            ? TestHandlerStub.Status(HttpStatusCode.ServiceUnavailable, ("x-ms-retry-after-ms", "300"), ("Retry-After", "30"))
            : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        await clients.Time.DriveAsync(client.GetImageAsync("img:1"), TimeSpan.FromMilliseconds(50));

        TimeSpan gap = stub.Requests[1].Time - stub.Requests[0].Time;
        Assert.InRange(gap.TotalMilliseconds, 300, 800);
    }

    [Fact]
    public async Task Get_RetryAfterDate_IsHonoured()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => i == 0
            ? TestHandlerStub.Status(HttpStatusCode.ServiceUnavailable, ("Retry-After", clients.Time.GetUtcNow().AddSeconds(12).ToString("r", System.Globalization.CultureInfo.InvariantCulture)))
            : TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub);

        await clients.Time.DriveAsync(client.GetImageAsync("img:1"), TimeSpan.FromMilliseconds(50));

        TimeSpan gap = stub.Requests[1].Time - stub.Requests[0].Time;
        Assert.InRange(gap.TotalSeconds, 11.9, 13);
    }

    [Fact]
    public async Task Get_RepeatedFailures_OpenTheCircuit()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Status(HttpStatusCode.InternalServerError));
        ImageServiceClient client = clients.Create(stub, o =>
        {
            o.MaxRetryAttempts = 0;
            o.CircuitBreakerEnabled = true;
            o.CircuitBreakerMinimumThroughput = 2;
        });

        await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));
        await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));
        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.GetImageAsync("img:1"));

        Assert.IsType<BrokenCircuitException>(ex.InnerException);
        Assert.Equal(2, stub.Count);
    }
}
