using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.Security;
using ImageService.Client.IntegrationTests.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>What the host adds to every <c>HttpClient</c> (or the application to the SDK's), as applications do it.</summary>
public enum HostRetries
{
    /// <summary><c>ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler())</c>, as .NET Aspire's ServiceDefaults does.</summary>
    StandardResilienceHandlerOnEveryClient,

    /// <summary><c>ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(...))</c> with a plain retrying handler.</summary>
    PlainRetryHandlerOnEveryClient,

    /// <summary><c>AddImageServiceClient(...).AddHttpMessageHandler(...)</c> with a plain retrying handler (inside the SDK's chain).</summary>
    PlainRetryHandlerOnTheClient,
}

/// <summary>How the server fails every create and patch.</summary>
public enum WriteFault
{
    /// <summary>500 with an error body.</summary>
    Status500,

    /// <summary>The connection is reset before any answer.</summary>
    Reset,

    /// <summary>No answer until the client gives up (the attempt timeout).</summary>
    Timeout,
}

/// <summary>
/// Issue 25, item 1: the SDK owns the resilience of its own client, whatever the host adds. Over loopback, a create or
/// a patch that fails in a way the service may have acted on reaches the wire exactly once, whatever retries the host
/// adds to every <c>HttpClient</c>; a GET is still retried as documented.
/// </summary>
public sealed class HostResilienceTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Cases =>
        from host in Enum.GetValues<HostRetries>()
        from fault in Enum.GetValues<WriteFault>()
        from operation in new[] { "create", "patch" }
        select new object[] { host, fault, operation };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CreateAndPatch_HostRetriesEveryClient_ReachTheWireOnceAndThrowImageServiceException(HostRetries host, WriteFault fault, string operation)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, self) => FailAsync(ctx, self, fault));
        using ClientHost client = CreateClient(server, host, fault);

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(Budget(fault), () => CallAsync(client.Client, operation), output);

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.Single(server.Requests, r => r.Method is "POST" or "PATCH");
        if (fault == WriteFault.Status500)
        {
            Assert.Equal(500, typed.Status);
            Assert.Equal("InternalServerError", typed.ErrorCode); // the service's own answer, not a stand-in
        }
    }

    [Fact]
    public async Task StartCreateImageAsync_HostDefaultsRegisteredAfterTheClient_ReachesTheWireOnce()
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, self) => FailAsync(ctx, self, WriteFault.Status500));
        using ClientHost client = server.CreateClient(host: services => AddRetries(services, HostRetries.StandardResilienceHandlerOnEveryClient), hostAfterClient: true);

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, () => CallAsync(client.Client, "create"), output);

        Assert.Equal(500, Assert.IsType<ImageServiceException>(failure).Status);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(HostRetries.StandardResilienceHandlerOnEveryClient, 1)] // removed from the SDK's client: only the SDK retries
    [InlineData(HostRetries.PlainRetryHandlerOnEveryClient, PlainRetryHandler.Attempts)] // around the SDK's chain: each of its sends is a whole SDK call
    public async Task GetImageAsync_HostRetriesEveryClient_StillRetriedAsDocumented(HostRetries host, int hostSends)
    {
        await using HostileServer server = await HostileServer.StartAsync((ctx, self) => FailAsync(ctx, self, WriteFault.Status500));
        using ClientHost client = CreateClient(server, host, WriteFault.Status500);

        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout * hostSends, () => client.Client.GetImageAsync("img:1"), output);

        Assert.Equal(500, Assert.IsType<ImageServiceException>(failure).Status);
        Assert.Equal(hostSends * (1 + ImageServiceClientOptions.DefaultMaxRetryAttempts), server.Requests.Count);
    }

    private static ClientHost CreateClient(HostileServer server, HostRetries host, WriteFault fault) =>
        server.CreateClient(
            fault == WriteFault.Timeout ? HostileServer.Tight : null,
            handlers: host == HostRetries.PlainRetryHandlerOnTheClient ? [() => new PlainRetryHandler()] : null,
            host: services => AddRetries(services, host));

    private static void AddRetries(IServiceCollection services, HostRetries host)
    {
        switch (host)
        {
            case HostRetries.StandardResilienceHandlerOnEveryClient:
                services.ConfigureHttpClientDefaults(builder => builder.AddStandardResilienceHandler());
                break;
            case HostRetries.PlainRetryHandlerOnEveryClient:
                services.ConfigureHttpClientDefaults(builder => builder.AddHttpMessageHandler(() => new PlainRetryHandler()));
                break;
        }
    }

    private static TimeSpan Budget(WriteFault fault) =>
        fault == WriteFault.Timeout ? HostileServer.TotalRequestTimeout : HostileServer.PatientTotalRequestTimeout;

    private static Task CallAsync(ImageServiceClient client, string operation) => operation == "create"
        ? client.StartCreateImageAsync(new DockerImageRequest { Name = "img", ModelIds = ["model:1"] })
        : client.UpdateTagsAsync("img:1", new Dictionary<string, string> { ["team"] = "a" });

    private static async Task FailAsync(HttpContext context, HostileServer server, WriteFault fault)
    {
        switch (fault)
        {
            case WriteFault.Status500:
                context.Response.StatusCode = 500;
                await context.Response.WriteAsJsonLiteralAsync("""{"code":"InternalServerError","message":"Something broke."}""");
                break;
            case WriteFault.Reset:
                context.Abort();
                break;
            default:
                // No answer at all, until the client gives up or the test ends.
                using (var stalled = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, server.Stopping))
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, stalled.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }

                break;
        }
    }

    /// <summary>
    /// A retrying handler as applications write them: up to three sends, again after a 5xx or any exception the caller
    /// did not cause. It cannot be recognised by its type.
    /// </summary>
    private sealed class PlainRetryHandler : DelegatingHandler
    {
        public const int Attempts = 3;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
                    if ((int)response.StatusCode < 500 || attempt == Attempts)
                    {
                        return response;
                    }

                    response.Dispose();
                }
#pragma warning disable CA1031 // a plain retry handler retries whatever failed, as such handlers do
                catch (Exception) when (attempt < Attempts && !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                }
            }
        }
    }
}
