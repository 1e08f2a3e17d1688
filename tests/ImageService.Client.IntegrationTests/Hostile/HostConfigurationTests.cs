using System;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.Security;
using Xunit.Abstractions;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>Issue 25, item 3: options the host sets that the client does not use never stop it from starting.</summary>
public sealed class HostConfigurationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GetImageAsync_AttemptTimeoutOf60sAloneWithTheBreakerOff_ClientStartsAndCalls()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, _) => ctx.Response.WriteAsJsonLiteralAsync(HostileServer.ImageJson));
        ImageResponseBase? image = null;

        // The default CircuitBreakerSamplingDuration (60 s) is less than twice 60 s; with no breaker it samples nothing.
        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, async () =>
        {
            using TestSupport.ClientHost host = CreateClient(server);
            image = await host.Client.GetImageAsync("img:1");
        }, output);

        Assert.Null(failure);
        Assert.Equal("img:1", image!.Id);
    }

    private static TestSupport.ClientHost CreateClient(HostileServer server) => server.CreateClient(options =>
    {
        options.AttemptTimeout = TimeSpan.FromSeconds(60);
        options.CircuitBreakerSamplingDuration = ImageServiceClientOptions.DefaultCircuitBreakerSamplingDuration;
    });
}
