using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;
using ImageService.Emulator;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Testing;

namespace ImageService.Client.IntegrationTests.Security;

/// <summary>
/// Where the bearer token may go, and where it must never appear: over real loopback HTTP, with a second server
/// playing a foreign origin, and with every log record, exception and span of a whole lifecycle captured and searched.
/// </summary>
public sealed class TokenSafetyTests
{
    private const string ImageJson = """{"id":"img:1","name":"img","version":1,"imageFlavor":"WebApiContainer","kvTags":{}}""";

    [Fact]
    public async Task ListImagesAsync_NextLinkOnForeignOrigin_RefusesAndSendsNothingThere()
    {
        await using LoopbackServer foreign = await LoopbackServer.StartAsync(ctx => ctx.Response.WriteAsync("""{"value":[]}"""));
        await using LoopbackServer service = await LoopbackServer.StartAsync(ctx =>
            ctx.Response.WriteAsJsonLiteralAsync($$"""{"value":[{{ImageJson}}],"nextLink":"{{foreign.BaseAddress}}images?$skipToken=2"}"""));
        using ClientHost host = ClientHost.Create(options => Configure(options, service.BaseAddress));

        var seen = new List<string>();
        ImageServiceException refused = await Assert.ThrowsAsync<ImageServiceException>(async () =>
        {
            await foreach (ImageResponseBase image in host.Client.ListImagesAsync())
            {
                seen.Add(image.Id!);
            }
        });

        Assert.Equal(["img:1"], seen);
        Assert.Contains("AdditionalAllowedOrigins", refused.Message, StringComparison.Ordinal);
        Assert.Empty(foreign.Requests);
        Figures.Add("security", "foreignOriginRefusals", 1);
    }

    [Fact]
    public async Task ListImagesAsync_NextLinkOnAllowedOrigin_FollowsItWithTheToken()
    {
        // The control for the test above: the same set-up with the origin allowed reaches the second server, so its
        // empty request list there really is the guard's doing.
        await using LoopbackServer other = await LoopbackServer.StartAsync(ctx => ctx.Response.WriteAsJsonLiteralAsync("""{"value":[]}"""));
        await using LoopbackServer service = await LoopbackServer.StartAsync(ctx =>
            ctx.Response.WriteAsJsonLiteralAsync($$"""{"value":[{{ImageJson}}],"nextLink":"{{other.BaseAddress}}images?$skipToken=2"}"""));
        using ClientHost host = ClientHost.Create(options =>
        {
            Configure(options, service.BaseAddress);
            options.AdditionalAllowedOrigins.Add(other.BaseAddress);
        });

        int count = 0;
        await foreach (ImageResponseBase _ in host.Client.ListImagesAsync())
        {
            count++;
        }

        Assert.Equal(1, count);
        Assert.Equal("Bearer " + Secret, Assert.Single(other.Requests).Headers["Authorization"]);
    }

    [Fact]
    public async Task StartCreateImageAsync_OperationLocationOnForeignOrigin_RefusesAndSendsNothingThere()
    {
        await using LoopbackServer foreign = await LoopbackServer.StartAsync(ctx => ctx.Response.WriteAsync("{}"));
        await using LoopbackServer service = await LoopbackServer.StartAsync(ctx =>
        {
            ctx.Response.StatusCode = 202;
            ctx.Response.Headers["Operation-Location"] = $"{foreign.BaseAddress}operations/op-1";
            return Task.CompletedTask;
        });
        using ClientHost host = ClientHost.Create(options => Configure(options, service.BaseAddress));

        ImageServiceException refused = await Assert.ThrowsAsync<ImageServiceException>(() =>
            host.Client.StartCreateImageAsync(new DockerImageRequest { Name = "img", ImageFlavor = ImageFlavor.WebApiContainer }));

        Assert.Contains("AdditionalAllowedOrigins", refused.Message, StringComparison.Ordinal);
        Assert.Empty(foreign.Requests);
        Figures.Add("security", "foreignOriginRefusals", 1);
    }

    [Fact]
    public async Task ListImagesAsync_NextLinkOverPlainHttpToNonLoopbackHost_NeverSendsTheToken()
    {
        // No traffic leaves the machine: the transport is a stub that answers for the https endpoint and records
        // whatever else the client would have sent.
        var sent = new ConcurrentQueue<HttpRequestMessage>();
        using ClientHost host = ClientHost.Create(
            options =>
            {
                Configure(options, new Uri("https://images.example.test/"));
                options.AdditionalAllowedOrigins.Add(new Uri("http://images.example.test"));
            },
            transport: () => new StubTransport(request =>
            {
                sent.Enqueue(request);
                return Json("""{"value":[],"nextLink":"http://images.example.test/next?$skipToken=2"}""");
            }));

        ImageServiceException refused = await Assert.ThrowsAsync<ImageServiceException>(async () =>
        {
            await foreach (ImageResponseBase _ in host.Client.ListImagesAsync())
            {
            }
        });

        Assert.Contains("plain http", refused.Message, StringComparison.Ordinal);
        Assert.All(sent, request => Assert.Equal(Uri.UriSchemeHttps, request.RequestUri!.Scheme));
        Figures.Add("security", "plainHttpRefusals", 1);
    }

    [Fact]
    public async Task Lifecycle_WithFailuresAndRetries_TokenNeverInLogsExceptionsOrSpans()
    {
        await using ImageServiceEmulator emulator = await ImageServiceEmulator.StartAsync(new EmulatorOptions
        {
            Token = Secret,
            BuildStepDuration = TimeSpan.FromMilliseconds(10),
            Faults = { ThrottleRetryAfter = TimeSpan.FromMilliseconds(5) },
        });
        var logs = new FakeLoggerProvider();
        using var spans = new SpanRecorder();
        var failures = new List<Exception>();
        using (ClientHost host = ClientHost.ForEmulator(emulator, Patient, loggerProvider: logs, handlers: [() => new FaultInjectionHandler()]))
        {
            ImageServiceClient client = host.Client;
            ImageResponseBase image = await client.CreateImageAsync(new DockerImageRequest { Name = "secret-run", ImageFlavor = ImageFlavor.WebApiContainer, KvTags = new Dictionary<string, string>() });
            await client.AddTagsAsync(image.Id!, new Dictionary<string, string> { ["a"] = "b" });
            await client.ListImagesAsync(new ImageListOptions { PageSize = 1, Name = "secret-run" }).ToListAsync();

            // Retries (a throttled first attempt), then failures of every kind the caller can see.
            FaultScope.Current = new FaultScope("429");
            await client.GetImageAsync(image.Id!);
            FaultScope.Current = new FaultScope("malformed");
            await Capture(failures, () => client.GetImageAsync(image.Id!));
            FaultScope.Current = null;
            await Capture(failures, () => client.GetImageAsync("missing:1"));
            await Capture(failures, () => client.UpdateImageAsync(image.Id!, new ImagePatch().AddProperties(new Dictionary<string, string> { ["x"] = "1" }).ReplaceDescription("d")));
            await Capture(failures, () => client.GetOperationAsync("no-such-operation"));
            var failing = new DockerImageRequest { Name = "secret-fail", ImageFlavor = ImageFlavor.WebApiContainer, KvTags = new Dictionary<string, string> { ["emulator.build"] = "fail" } };
            await Capture(failures, () => client.CreateImageAsync(failing));
            await client.DeleteImageAsync(image.Id!);
        }

        using (ClientHost wrongToken = ClientHost.ForEmulator(emulator, options => options.Credential = new StaticTokenCredential(OtherSecret)))
        {
            await Capture(failures, () => wrongToken.Client.GetImageAsync("secret-run:1"));
        }

        var haystack = new StringBuilder();
        foreach (FakeLogRecord record in logs.Collector.GetSnapshot())
        {
            haystack.AppendLine(record.Message).AppendLine(record.Exception?.ToString());
            foreach (KeyValuePair<string, string?> pair in record.StructuredState ?? [])
            {
                haystack.Append(pair.Key).Append('=').AppendLine(pair.Value);
            }
        }

        failures.ForEach(f => haystack.AppendLine(f.ToString()));
        haystack.Append(spans.Dump());
        // tokenLeaks: how often either token appears in every log record (message, exception, state), every exception
        // the caller saw and every span of this run. The same search over the headers the emulator received must find
        // the tokens (tokensOnTheWire), so a search that could not see a token cannot pass for "no leak".
        int leaks = CountOccurrences(haystack.ToString(), Secret) + CountOccurrences(haystack.ToString(), OtherSecret);
        string wire = string.Join("\n", emulator.Requests.SelectMany(r => r.Headers.Values));
        int onTheWire = CountOccurrences(wire, Secret) + CountOccurrences(wire, OtherSecret);
        Figures.Set("security", "tokensOnTheWire", onTheWire);
        Figures.Set("security", "logRecordsSearched", logs.Collector.Count);
        Figures.Set("security", "exceptionsSearched", failures.Count);
        Figures.Set("security", "spansSearched", spans.Count);
        Figures.Set("security", "tokenLeaks", leaks);

        Assert.True(logs.Collector.Count > 20, "the lifecycle should have logged");
        Assert.True(spans.Count > 10, "the lifecycle should have traced");
        Assert.True(failures.Count >= 5, $"expected at least five failures, saw {failures.Count}");
        Assert.Contains(failures, f => f is ImageServiceException { Status: 401 });
        Assert.True(onTheWire > 10, $"The search found the token {onTheWire} times in what the emulator received; expected it in every authenticated request.");
        Assert.Equal(0, leaks);
    }

    private const string Secret = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.S1GNATURE-never-log-me";

    /// <summary>A token the emulator refuses (a 401); it must not leak either.</summary>
    private const string OtherSecret = "eyJhbGciOiJIUzI1NiJ9.ZXhwaXJlZA.EXPIRED-never-log-me";

    private static void Configure(ImageServiceClientOptions options, Uri endpoint)
    {
        options.Endpoint = endpoint;
        options.SubscriptionId = "sub";
        options.ResourceGroup = "rg";
        options.Workspace = "ws";
        options.Credential = new StaticTokenCredential(Secret);
        Patient(options);
    }

    private static void Patient(ImageServiceClientOptions options)
    {
        options.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.AttemptTimeout = TimeSpan.FromSeconds(15);
        options.TotalRequestTimeout = TimeSpan.FromSeconds(60);
        options.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(30);
        options.PollingInterval = TimeSpan.FromMilliseconds(20);
    }

    private static async Task Capture(List<Exception> failures, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex)
        {
            failures.Add(ex);
        }
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static HttpResponseMessage Json(string body) => new(System.Net.HttpStatusCode.OK)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };

    private sealed class StubTransport(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(respond(request));
    }

    /// <summary>Every span of every source (the SDK's and HttpClient's), with tags, events and baggage.</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _spans = new();

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = _ => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _spans.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public int Count => _spans.Count;

        public string Dump()
        {
            var text = new StringBuilder();
            foreach (Activity span in _spans)
            {
                text.AppendLine(span.DisplayName).AppendLine(span.StatusDescription);
                foreach (KeyValuePair<string, object?> tag in span.TagObjects)
                {
                    text.Append(tag.Key).Append('=').AppendLine(tag.Value?.ToString());
                }

                foreach (ActivityEvent e in span.Events)
                {
                    text.AppendLine(e.Name);
                    foreach (KeyValuePair<string, object?> tag in e.Tags)
                    {
                        text.Append(tag.Key).Append('=').AppendLine(tag.Value?.ToString());
                    }
                }

                foreach (KeyValuePair<string, string?> item in span.Baggage)
                {
                    text.Append(item.Key).Append('=').AppendLine(item.Value);
                }
            }

            return text.ToString();
        }

        public void Dispose() => _listener.Dispose();
    }
}

internal static class LoopbackResponses
{
    public static Task WriteAsJsonLiteralAsync(this HttpResponse response, string json)
    {
        response.ContentType = "application/json";
        return response.WriteAsync(json);
    }
}
