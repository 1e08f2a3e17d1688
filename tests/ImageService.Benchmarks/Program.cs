using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ImageService.Benchmarks.Peers;

namespace ImageService.Benchmarks;

/// <summary>
/// Runs every comparison in this process (in-process toolchain, in-process Kestrel), then writes RESULTS.md.
/// <c>--smoke</c>: one dry invocation of each benchmark, a short listing probe, no build timing (CI keeps it running).
/// <c>--profile CLIENT[64] [seconds]</c>: a plain GET loop through any client of the peer set for a sampling profiler (see <see cref="ProfileLoop"/>).
/// <c>--ablate</c>: only the interleaved cross-checks, printed (see <see cref="Ablation"/>).
/// <c>--peers-only [--peers floor,Refit,...]</c>: only the interleaved peer comparison (<see cref="PeerComparison"/>), printed.
/// <c>--pin</c>: runs whatever else the arguments ask for in a child pinned to one core (<see cref="OneCore"/>).
/// <c>--no-one-core</c>: the full run without its one-core child (to iterate on the rest).
/// <c>--readme-quote</c>: copies RESULTS.md's summary table into README.md's Performance section (a full run does it too).
/// <c>--emulator [--patches N] [--long-run N]</c>: the emulator under load, printed as RESULTS.md rows (see <see cref="EmulatorLoad"/>); a smoke run runs it small.
/// Exits 1 when any benchmark throws or returns a wrong answer, or a peer returns a different image.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--pin") && !OneCore.IsPinnedChild)
        {
            return OneCore.RunPinned(args.Where(a => a != "--pin"));
        }

        if (OneCore.IsPinnedChild)
        {
            try
            {
                OneCore.EnsurePinned();
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine($"FAILED: {ex.Message}");
                return 1;
            }
        }

        if (Option(args, "--peer-child") is { } childResults)
        {
            // The one-core half of a full or smoke run (see RunOneCorePeers): measure, save, let the parent report.
            PeerComparison.Results pinned = RunPeers("one core (taskset -c 0)", args.Contains("--smoke"), Option(args, "--peers"));
            PeerComparison.Save(pinned, childResults);
            return pinned.Failures.Count == 0 ? 0 : 1;
        }

        if (args.Contains("--peers-only"))
        {
            PeerComparison.Results alone = RunPeers(OneCore.IsPinnedChild ? "one core (taskset -c 0)" : $"{Environment.ProcessorCount} cores", args.Contains("--smoke"), Option(args, "--peers"));
            return alone.Failures.Count == 0 ? 0 : 1;
        }

        if (args.Contains("--readme-quote"))
        {
            string root = Option(args, "--repo") ?? FindRepoRoot();
            bool updated = ReadmeQuote.Update(root);
            Console.WriteLine(updated ? "README.md: the quote of RESULTS.md's summary table is updated." : "README.md has no results:summary markers, or RESULTS.md has no summary table: nothing changed.");
            return updated ? 0 : 1;
        }

        if (Option(args, "--profile") is { } target)
        {
            string seconds = Option(args, target) ?? "20"; // the argument after the target, if any
            return ProfileLoop.RunAsync(target, TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture))).GetAwaiter().GetResult();
        }

        if (args.Contains("--emulator"))
        {
            var settings = EmulatorLoad.Settings.Full;
            settings = Option(args, "--patches") is { } patches ? settings with { Patches = int.Parse(patches, System.Globalization.CultureInfo.InvariantCulture) } : settings;
            settings = Option(args, "--long-run") is { } longRun ? settings with { LongRunBeforeBurst = int.Parse(longRun, System.Globalization.CultureInfo.InvariantCulture) } : settings;
            return EmulatorLoad.RunAsync(settings, Console.Out).GetAwaiter().GetResult();
        }

        if (args.Contains("--ablate"))
        {
            Console.WriteLine(Ablation.Format(Ablation.RunAsync().GetAwaiter().GetResult()));
            return 0;
        }

        bool smoke = args.Contains("--smoke");
        string repoRoot = Option(args, "--repo") ?? FindRepoRoot();
        string results = Option(args, "--results")
            ?? (smoke ? Path.Combine(repoRoot, "artifacts", "bench-smoke", "RESULTS.md") : Path.Combine(repoRoot, "tests", "ImageService.Benchmarks", "RESULTS.md"));
        string artifacts = Path.Combine(repoRoot, "artifacts", smoke ? "bench-smoke" : "bench");

        string only = Option(args, "--only") ?? string.Empty; // a class-name fragment, to iterate on one comparison
        var summaries = new List<Summary>();
        foreach ((Type type, Job job) in new[]
        {
            (typeof(GetImageBenchmarks), Standard(smoke)),
            (typeof(PageDeserializationBenchmarks), Standard(smoke)),
            (typeof(ListingBenchmarks), Long(smoke)),
            (typeof(ConcurrentGetBenchmarks), Standard(smoke)),
            (typeof(PipelineOverheadBenchmarks), Standard(smoke)),
            (typeof(PeerBenchmarks), Standard(smoke)),
        })
        {
            if (type.Name.Contains(only, StringComparison.OrdinalIgnoreCase))
            {
                summaries.Add(Run(type, job, artifacts));
            }
        }

        var failures = new List<string>();
        foreach (Summary summary in summaries)
        {
            if (summary.HasCriticalValidationErrors)
            {
                failures.Add($"{summary.Title}: validation errors: {string.Join("; ", summary.ValidationErrors.Select(e => e.Message))}");
            }

            failures.AddRange(summary.BenchmarksCases
                .Where(c => summary[c] is not { Success: true, ResultStatistics: not null })
                .Select(c => $"{c.DisplayInfo} failed (it threw, or its setup check did not hold: see the log above)."));
        }

        ListingProbe.Sample[] memory = [];
        BuildTimer.BuildResult? build = null;
        Ablation.Results? crossChecks = null;
        PeerComparison.Results? peersTwoCores = null, peersOneCore = null;
        try
        {
            if (only.Length == 0)
            {
                Console.WriteLine("// Interleaved cross-checks");
                crossChecks = smoke
                    ? Ablation.RunAsync(calls: 20, concurrentRounds: 1, pageIterations: 2).GetAwaiter().GetResult()
                    : Ablation.RunAsync().GetAwaiter().GetResult();
                Console.WriteLine(Ablation.Format(crossChecks));
            }

            if (only.Length == 0 || "PeerComparison".Contains(only, StringComparison.OrdinalIgnoreCase))
            {
                Console.WriteLine("// The SDK against the peers, interleaved");
                peersTwoCores = RunPeers($"{Environment.ProcessorCount} cores", smoke, Option(args, "--peers"));
                failures.AddRange(peersTwoCores.Failures);
                if (!args.Contains("--no-one-core") && !OneCore.IsPinnedChild)
                {
                    peersOneCore = RunOneCorePeers(artifacts, smoke, Option(args, "--peers"));
                    failures.AddRange(peersOneCore.Failures.Select(f => $"one core: {f}"));
                }
            }

            if (smoke && only.Length == 0)
            {
                Console.WriteLine("// The emulator under load (small)");
                if (EmulatorLoad.RunAsync(EmulatorLoad.Settings.Smoke, Console.Out).GetAwaiter().GetResult() != 0)
                {
                    failures.Add("The emulator load run failed (see its output above).");
                }
            }

            Console.WriteLine("// Listing memory probe");
            memory = only.Length > 0 && !"ListingBenchmarks".Contains(only, StringComparison.OrdinalIgnoreCase) ? [] : ProbeListingMemory(smoke ? [1_000, 10_000] : [10_000, 100_000]);
            if (!smoke && only.Length == 0)
            {
                Console.WriteLine("// Build timing");
                build = BuildTimer.Run(repoRoot, rounds: 3);
            }
        }
        catch (Exception ex)
        {
            failures.Add($"{ex.GetType().Name}: {ex.Message}");
        }

        var report = new ResultsReport(summaries, memory, build, crossChecks, smoke, peersTwoCores, peersOneCore);
        Directory.CreateDirectory(Path.GetDirectoryName(results)!);
        File.WriteAllText(results, ResultsReport.KeepDecisions(report.ToMarkdown(failures), File.Exists(results) ? File.ReadAllText(results) : null));
        // Only a full run that writes the committed RESULTS.md updates the README's quote of it.
        if (!smoke && only.Length == 0
            && Path.GetFullPath(results) == Path.GetFullPath(Path.Combine(repoRoot, "tests", "ImageService.Benchmarks", "RESULTS.md"))
            && ReadmeQuote.Update(repoRoot))
        {
            Console.WriteLine("README.md: the Performance section's quote of the summary table is updated.");
        }

        Console.WriteLine();
        Console.WriteLine(report.Headline());
        Console.WriteLine($"Results: {results}");
        foreach (string failure in failures)
        {
            Console.Error.WriteLine($"FAILED: {failure}");
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static PeerComparison.Results RunPeers(string mode, bool smoke, string? peers)
    {
        PeerComparison.Results results = PeerComparison.RunAsync(mode, smoke ? PeerComparison.Settings.Smoke : PeerComparison.Settings.Full, PeerSet.Select(peers)).GetAwaiter().GetResult();
        Console.WriteLine(PeerComparison.Format(results));
        return results;
    }

    /// <summary>The peer comparison again in a child pinned to one core; its results come back through a file.</summary>
    private static PeerComparison.Results RunOneCorePeers(string artifacts, bool smoke, string? peers)
    {
        string file = Path.Combine(artifacts, "peers-one-core.json");
        Directory.CreateDirectory(artifacts);
        File.Delete(file);
        var arguments = new List<string> { "--peer-child", file };
        if (smoke)
        {
            arguments.Add("--smoke");
        }

        if (peers is not null)
        {
            arguments.AddRange(["--peers", peers]);
        }

        int exit = OneCore.RunPinned(arguments);
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"The one-core child exited with {exit} and wrote no results (see its output above).");
        }

        return PeerComparison.Load(file);
    }

    private static ListingProbe.Sample[] ProbeListingMemory(int[] sizes)
    {
        BenchServer server = BenchServer.StartAsync().GetAwaiter().GetResult();
        try
        {
            return sizes.Select(n => ListingProbe.MeasureAsync(server.Endpoint, n).GetAwaiter().GetResult()).ToArray();
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static Job Standard(bool smoke) => smoke
        ? Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("Smoke")
        : Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(4).WithIterationCount(12).WithId("Bench");

    private static Job Long(bool smoke) => smoke
        ? Standard(smoke)
        : Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1).WithId("Listing");

    private static Summary Run(Type type, Job job, string artifacts)
    {
        IConfig config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(artifacts)
            .WithOption(ConfigOptions.DisableLogFile, true);
        return BenchmarkRunner.Run(type, config);
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindRepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Client.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
