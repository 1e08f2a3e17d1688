using System;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.Security;
using ImageService.Client.IntegrationTests.TestSupport;
using Microsoft.AspNetCore.Http;
using Polly.CircuitBreaker;
using Xunit.Abstractions;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>
/// A service that fails every call: by default each call reaches it and fails on its own; with
/// <see cref="ImageServiceClientOptions.CircuitBreakerEnabled"/>, calls stop reaching it once the circuit opens.
/// </summary>
public sealed class CircuitBreakerTests(ITestOutputHelper output)
{
    private const int Calls = 30;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetImageAsync_ServiceFailsEveryCall_EveryCallReachesItUnlessTheBreakerIsOn(bool enabled)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = 503;
            return ctx.Response.WriteAsJsonLiteralAsync("""{"code":"Busy","message":"try later"}""");
        });
        using ClientHost host = server.CreateClient(options =>
        {
            options.MaxRetryAttempts = 0; // one request per call, so the requests count the calls
            options.CircuitBreakerEnabled = enabled;
            options.CircuitBreakerMinimumThroughput = 10;
            options.CircuitBreakerBreakDuration = TimeSpan.FromMinutes(10); // stays open for the rest of the test
        });
        int broken = 0;

        for (int i = 0; i < Calls; i++)
        {
            (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, () => host.Client.GetImageAsync("img:1"), output);
            var typed = Assert.IsType<ImageServiceException>(failure);
            if (typed.InnerException is BrokenCircuitException)
            {
                broken++;
            }
            else
            {
                Assert.Equal(503, typed.Status);
            }
        }

        Assert.Equal(enabled ? Calls - server.RawTargets.Count : 0, broken);
        if (enabled)
        {
            Assert.InRange(server.RawTargets.Count, 10, Calls - 1); // opened after the minimum throughput, before the last call
        }
        else
        {
            Assert.Equal(Calls, server.RawTargets.Count);
        }
    }
}
