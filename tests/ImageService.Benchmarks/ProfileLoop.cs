using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace ImageService.Benchmarks;

/// <summary>
/// <c>--profile sdk|floor|sdk64|floor64 [seconds]</c>: calls one GET in a loop against the bench server so a sampling profiler
/// (<c>dotnet-trace collect -- dotnet ImageService.Benchmarks.dll --profile sdk 20</c>) sees where the time goes.
/// Prints calls per second; not a benchmark (BenchmarkDotNet's numbers are the measurements).
/// </summary>
public static class ProfileLoop
{
    public static async Task<int> RunAsync(string target, TimeSpan duration)
    {
        await using BenchServer server = await BenchServer.StartAsync().ConfigureAwait(false);
        (var sdk, _, var logging) = Clients.CreateSdk(server.Endpoint);
        using var floor = new FloorClient(server.Endpoint);
        int concurrency = target.EndsWith("64", StringComparison.Ordinal) ? 64 : 1;
        Func<Task> single = target.TrimEnd('6', '4') switch
        {
            "sdk" => () => sdk.GetImageAsync(Payloads.ImageId),
            "floor" => () => floor.GetImageAsync(),
            _ => throw new ArgumentException($"--profile takes sdk, floor, sdk64 or floor64, not '{target}'.", nameof(target)),
        };
        var tasks = new Task[concurrency];
        Func<Task> call = concurrency == 1 ? single : () =>
        {
            for (int t = 0; t < concurrency; t++)
            {
                tasks[t] = single();
            }

            return Task.WhenAll(tasks);
        };

        for (int i = 0; i < 2_000; i++)
        {
            await call().ConfigureAwait(false);
        }

        long calls = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            await call().ConfigureAwait(false);
            calls += concurrency;
        }

        Console.WriteLine($"{target}: {calls} calls in {clock.Elapsed.TotalSeconds:F1} s, {clock.Elapsed.TotalMicroseconds / calls:F1} µs per call");
        logging.Dispose();
        return 0;
    }
}
