using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace ImageService.Benchmarks;

/// <summary>
/// <c>--profile CLIENT[64] [seconds]</c> (a client of <see cref="Peers.PeerSet.Names"/>, for example <c>sdk</c>, <c>floor64</c> or <c>azure.core</c>): calls one GET in a loop against the bench server so a sampling profiler
/// (<c>dotnet-trace collect -- dotnet ImageService.Benchmarks.dll --profile sdk 20</c>) sees where the time goes.
/// Prints calls per second; not a benchmark (BenchmarkDotNet's numbers are the measurements).
/// </summary>
public static class ProfileLoop
{
    public static async Task<int> RunAsync(string target, TimeSpan duration)
    {
        await using BenchServer server = await BenchServer.StartAsync().ConfigureAwait(false);
        string name = target.EndsWith("64", StringComparison.Ordinal) ? target[..^2] : target;
        int concurrency = name.Length < target.Length ? 64 : 1;
        string client = Array.Find(Peers.PeerSet.Names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--profile takes a client name ({string.Join(", ", Peers.PeerSet.Names)}), with 64 appended for 64 concurrent calls; not '{target}'.", nameof(target));
        await using Peers.PeerClient peer = Peers.PeerSet.Create(client, server.Endpoint);
        Func<Task> single = peer.GetImageAsync;
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
        return 0;
    }
}
