using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>How a hostile server sends a body after its first bytes.</summary>
public enum Misbehaviour
{
    /// <summary>Nothing more, ever.</summary>
    Stall,

    /// <summary>One byte every 200 ms.</summary>
    Trickle,
}

/// <summary>
/// A <see cref="LoopbackServer"/> whose every answer a test scripts, that also records each request's raw target (the
/// path and query exactly as they arrived, before any decoding), plus the client the hostile tests point at it and the
/// scripted misbehaviours they share. A stall or trickle lasts until the client gives up or the test ends: far longer
/// than any budget plus <see cref="HangMargin"/>, so a client that ignores its budget fails the bound instead of
/// finishing slowly in time.
/// </summary>
internal sealed class HostileServer : IAsyncDisposable
{
    /// <summary>
    /// The path of workspace ws (subscription sub, resource group rg) as the spec's operations address it, read from
    /// openapi/images.yaml so that a spec that moves its base path or api-version moves it too.
    /// </summary>
    public static readonly string WorkspacePath = SpecWorkspacePath();

    private static string SpecWorkspacePath()
    {
        // The first path of the spec, up to and including its workspace segment (every operation lives under it).
        var path = System.Text.RegularExpressions.Regex.Match(System.IO.File.ReadAllText(RepoPaths.Spec), @"^  (?<prefix>/\S*?)/workspaces/\{workspace\}[/:]", System.Text.RegularExpressions.RegexOptions.Multiline);
        if (!path.Success)
        {
            throw new InvalidOperationException($"{RepoPaths.Spec} has no path with a /workspaces/{{workspace}} segment: update {nameof(HostileServer)}.{nameof(WorkspacePath)}.");
        }

        return path.Groups["prefix"].Value.Replace("{subscriptionId}", "sub", StringComparison.Ordinal).Replace("{resourceGroup}", "rg", StringComparison.Ordinal) + "/workspaces/ws";
    }

    public const string ImageJson = """{"id":"img:1","name":"img","version":1,"imageFlavor":"WebApiContainer","kvTags":{}}""";

    /// <summary>The tight budget of the tests where a timeout must end the call (<see cref="Tight"/>): one attempt 1 s (issue 13's set-up).</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The tight budget of a call with its retries: 2 s.</summary>
    public static readonly TimeSpan TotalRequestTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The tight budget of <c>WaitForCompletionAsync</c>: 3 s.</summary>
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The budget of a call in every other test: no loaded machine reaches it, so those tests see only what the server
    /// did, never a timeout of their own.
    /// </summary>
    public static readonly TimeSpan PatientTotalRequestTimeout = TimeSpan.FromSeconds(60);

    /// <summary>See <see cref="PatientTotalRequestTimeout"/>.</summary>
    public static readonly TimeSpan PatientOperationTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How much later than its budget a call may end before the test calls it a hang. Generous on purpose: a loaded
    /// CI machine delays timers and thread-pool work by seconds, never by a minute; the hostile server keeps stalling
    /// for ten minutes, so a client that ignores its budget still fails this bound.
    /// </summary>
    public static readonly TimeSpan HangMargin = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan s_hostileFor = TimeSpan.FromMinutes(10);

    private readonly LoopbackServer _server;
    private readonly ConcurrentQueue<string> _targets;
    private readonly CancellationTokenSource _stopping;

    private HostileServer(LoopbackServer server, ConcurrentQueue<string> targets, CancellationTokenSource stopping)
    {
        _server = server;
        _targets = targets;
        _stopping = stopping;
    }

    public Uri BaseAddress => _server.BaseAddress;

    public IReadOnlyList<LoopbackRequest> Requests => _server.Requests;

    /// <summary>The raw request targets (path and query as sent on the wire), in arrival order.</summary>
    public IReadOnlyList<string> RawTargets => [.. _targets];

    /// <summary>Ends when the test ends (the server is disposed), so that no scripted stall outlives its test.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public static async Task<HostileServer> StartAsync(Func<HttpContext, HostileServer, Task> respond)
    {
        var targets = new ConcurrentQueue<string>();
        var stopping = new CancellationTokenSource();
        HostileServer? self = null;
        LoopbackServer server = await LoopbackServer.StartAsync(async context =>
        {
            targets.Enqueue(context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget);
            await respond(context, self!);
        });
        self = new HostileServer(server, targets, stopping);
        return self;
    }

    /// <summary>The client as applications build it (DI, whole handler chain), with the patient budgets.</summary>
    public ClientHost CreateClient(
        Action<ImageServiceClientOptions>? configure = null,
        IEnumerable<Func<DelegatingHandler>>? handlers = null,
        Action<IServiceCollection>? host = null,
        bool hostAfterClient = false) => ClientHost.Create(options =>
    {
        options.Endpoint = BaseAddress;
        options.SubscriptionId = "sub";
        options.ResourceGroup = "rg";
        options.Workspace = "ws";
        options.Credential = new StaticTokenCredential("token");
        options.AttemptTimeout = PatientTotalRequestTimeout / 2;
        options.TotalRequestTimeout = PatientTotalRequestTimeout;
        options.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.MaxDelay = TimeSpan.FromMilliseconds(200);
        options.CircuitBreakerSamplingDuration = PatientTotalRequestTimeout * 2;
        options.PollingInterval = TimeSpan.FromMilliseconds(50);
        options.OperationTimeout = PatientOperationTimeout;
        configure?.Invoke(options);
    }, handlers, host: host, hostAfterClient: hostAfterClient);

    /// <summary>The tight budgets (<see cref="AttemptTimeout"/>, <see cref="TotalRequestTimeout"/>, <see cref="OperationTimeout"/>).</summary>
    public static void Tight(ImageServiceClientOptions options)
    {
        options.AttemptTimeout = AttemptTimeout;
        options.TotalRequestTimeout = TotalRequestTimeout;
        options.OperationTimeout = OperationTimeout;
    }

    /// <summary>Enumerates a listing to its end (or its failure).</summary>
    public static async Task ListAllAsync(ImageServicePageable<ImageResponseBase> listing)
    {
        await foreach (ImageResponseBase _ in listing)
        {
        }
    }

    /// <summary>Sends the headers and the start of a JSON body, then stalls or trickles.</summary>
    public Task MisbehaveAsync(HttpContext context, Misbehaviour misbehaviour, string start, int status = 200) =>
        misbehaviour == Misbehaviour.Stall ? StallAsync(context, start, status) : TrickleAsync(context, start, status);

    /// <summary>Sends the headers and the start of a JSON body, then nothing more (<paramref name="stalled"/> completes then).</summary>
    public async Task StallAsync(HttpContext context, string start, int status = 200, TaskCompletionSource? stalled = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(start, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        stalled?.TrySetResult();
        await WaitAsync(s_hostileFor, context);
    }

    /// <summary>Sends the headers and the start of a JSON body, then one more byte every 200 ms.</summary>
    public async Task TrickleAsync(HttpContext context, string start, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(start, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        var clock = Stopwatch.StartNew();
        byte[] one = Encoding.ASCII.GetBytes("a");
        while (clock.Elapsed < s_hostileFor && await WaitAsync(TimeSpan.FromMilliseconds(200), context))
        {
            try
            {
                await context.Response.Body.WriteAsync(one, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
            catch (Exception ex) when (ex is OperationCanceledException or System.IO.IOException)
            {
                return; // the client hung up
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _server.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="call"/> and returns how it ended and after how long, failing the test if it has not ended
    /// within <paramref name="budget"/> plus <see cref="HangMargin"/>. The elapsed time goes to the test output only:
    /// it is reported, not asserted against the budget itself (the machine is shared and loaded).
    /// </summary>
    public static async Task<(Exception? Failure, TimeSpan Elapsed)> EndsWithinAsync(TimeSpan budget, Func<Task> call, ITestOutputHelper output)
    {
        var clock = Stopwatch.StartNew();
        Task task = Task.Run(call);
        Task first = await Task.WhenAny(task, Task.Delay(budget + HangMargin));
        TimeSpan elapsed = clock.Elapsed;
        Assert.True(first == task, $"The call had not ended {elapsed.TotalSeconds:0.0} s after it started; its budget is {budget.TotalSeconds:0.0} s (plus {HangMargin.TotalSeconds:0} s for a loaded machine).");
        Exception? failure = null;
        try
        {
            await task;
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        output.WriteLine($"Ended after {elapsed.TotalSeconds:0.00} s (budget {budget.TotalSeconds:0.0} s) with {failure?.GetType().Name ?? "success"}: {failure?.Message}");
        return (failure, elapsed);
    }

    private async Task<bool> WaitAsync(TimeSpan delay, HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(delay, linked.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
