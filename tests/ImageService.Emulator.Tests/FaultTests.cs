using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests;

public sealed class FaultTests
{
    private static HttpRequestMessage Create(string name, string faultHeader, string fault, string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "images") { Content = Harness.Json($$"""{"name":"{{name}}","imageFlavor":"WebApiContainer"}""") };
        request.Headers.Add(faultHeader, fault);
        if (requestId is not null)
        {
            request.Headers.Add("x-ms-client-request-id", requestId);
        }

        return request;
    }

    [Theory]
    [InlineData("429", HttpStatusCode.TooManyRequests)]
    [InlineData("503", HttpStatusCode.ServiceUnavailable)]
    public async Task Throttle_Header_AnswersWithRetryAfterAndDoesNotAct(string fault, HttpStatusCode expected)
    {
        await using var h = await Harness.StartAsync();
        using var request = Create("throttled", "x-emulator-fault", fault);
        using var response = await h.Http.SendAsync(request);
        await Harness.ErrorAsync(response, expected);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("100", response.Headers.GetValues("x-ms-retry-after-ms").Single());
        Assert.Equal(0, h.Emulator.CountImages("throttled"));
    }

    [Fact]
    public async Task ServerError_500BeforeAnd500After_DifferInWhetherTheServerActed()
    {
        await using var h = await Harness.StartAsync();
        using var before = Create("errored", "x-emulator-fault", "500");
        using var beforeResponse = await h.Http.SendAsync(before);
        await Harness.ErrorAsync(beforeResponse, HttpStatusCode.InternalServerError);
        Assert.Equal(0, h.Emulator.CountImages("errored"));

        using var after = Create("errored", "x-emulator-fault", "500-after");
        using var afterResponse = await h.Http.SendAsync(after);
        await Harness.ErrorAsync(afterResponse, HttpStatusCode.InternalServerError);
        Assert.Equal(1, h.Emulator.CountImages("errored"));
    }

    [Fact]
    public async Task Drop_BeforeAndAfter_AbortsTheConnection()
    {
        await using var h = await Harness.StartAsync();
        using var drop = Create("dropped", "x-emulator-fault", "drop");
        await Assert.ThrowsAsync<HttpRequestException>(() => h.Http.SendAsync(drop));
        Assert.Equal(0, h.Emulator.CountImages("dropped"));

        using var dropAfter = Create("dropped", "x-emulator-fault", "drop-after");
        await Assert.ThrowsAsync<HttpRequestException>(() => h.Http.SendAsync(dropAfter));
        Assert.Equal(1, h.Emulator.CountImages("dropped"));
    }

    [Fact]
    public async Task Latency_Header_DelaysThenActs()
    {
        await using var h = await Harness.StartAsync();
        using var request = Create("slow", "x-emulator-fault", "latency:150");
        var clock = Stopwatch.StartNew();
        using var response = await h.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(clock.ElapsedMilliseconds >= 140, $"took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(1, h.Emulator.CountImages("slow"));
    }

    [Fact]
    public async Task Truncate_Header_BodyEndsEarlyAfterActing()
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("cut");
        using var request = new HttpRequestMessage(HttpMethod.Get, "images");
        request.Headers.Add("x-emulator-fault", "truncate");
        using var response = await h.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsStringAsync());
        Assert.True(error is IOException or HttpRequestException, error.ToString()); // "response ended prematurely"
    }

    [Fact]
    public async Task Malformed_Header_Answers200WithInvalidJson()
    {
        await using var h = await Harness.StartAsync();
        using var request = Create("garbled", "x-emulator-fault", "malformed");
        using var response = await h.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
        Assert.Equal(1, h.Emulator.CountImages("garbled"));
    }

    [Fact]
    public async Task FaultOnce_SameClientRequestId_FailsOnlyTheFirstAttempt()
    {
        await using var h = await Harness.StartAsync();
        using var first = Create("retried", "x-emulator-fault-once", "503", "logical-1");
        using var firstResponse = await h.Http.SendAsync(first);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, firstResponse.StatusCode);
        using var retry = Create("retried", "x-emulator-fault-once", "503", "logical-1");
        using var retryResponse = await h.Http.SendAsync(retry);
        Assert.Equal(HttpStatusCode.Accepted, retryResponse.StatusCode);
        using var other = Create("retried", "x-emulator-fault-once", "503", "logical-2");
        using var otherResponse = await h.Http.SendAsync(other);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, otherResponse.StatusCode);
        Assert.Equal(1, h.Emulator.CountImages("retried"));
    }

    [Fact]
    public async Task UnknownFault_Header_Returns400()
    {
        await using var h = await Harness.StartAsync();
        using var request = Create("x-unknown", "x-emulator-fault", "gremlins");
        using var response = await h.Http.SendAsync(request);
        Assert.Equal("UnknownFault", (await Harness.ErrorAsync(response, HttpStatusCode.BadRequest))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConfiguredRates_SameSeed_GiveTheSameFaultSequence()
    {
        async Task<int[]> RunAsync(int seed)
        {
            await using var h = await Harness.StartAsync(o =>
            {
                o.Faults.Seed = seed;
                o.Faults.Rates["503"] = 0.3;
                o.Faults.Rates["429"] = 0.2;
            });
            var statuses = new int[40];
            for (int i = 0; i < statuses.Length; i++)
            {
                using var response = await h.Http.GetAsync("images");
                statuses[i] = (int)response.StatusCode;
            }

            return statuses;
        }

        var first = await RunAsync(7);
        var second = await RunAsync(7);
        Assert.Equal(first, second);
        Assert.Contains(503, first);
        Assert.Contains(429, first);
        Assert.Contains(200, first);
        Assert.NotEqual(first, await RunAsync(8));
    }
}
