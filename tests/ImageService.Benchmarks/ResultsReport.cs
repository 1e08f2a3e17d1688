using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using ImageService.Benchmarks.Peers;

namespace ImageService.Benchmarks;

/// <summary>Turns the summaries into RESULTS.md: the machine, the ratios against the targets, then BenchmarkDotNet's tables.</summary>
public sealed class ResultsReport
{
    private const double MiB = 1024 * 1024;
    private readonly IReadOnlyList<Summary> _summaries;
    private readonly IReadOnlyList<ListingProbe.Sample> _memory;
    private readonly BuildTimer.BuildResult? _build;
    private readonly Ablation.Results? _crossChecks;
    private readonly bool _smoke;
    private readonly PeerComparison.Results? _peersTwoCores;
    private readonly PeerComparison.Results? _peersOneCore;
    private readonly List<SummaryRow> _rows = new();

    public ResultsReport(
        IReadOnlyList<Summary> summaries,
        IReadOnlyList<ListingProbe.Sample> memory,
        BuildTimer.BuildResult? build,
        Ablation.Results? crossChecks,
        bool smoke,
        PeerComparison.Results? peersTwoCores = null,
        PeerComparison.Results? peersOneCore = null)
    {
        _crossChecks = crossChecks;
        _peersTwoCores = peersTwoCores;
        _peersOneCore = peersOneCore;
        _summaries = summaries;
        _memory = memory;
        _build = build;
        _smoke = smoke;
        Evaluate();
    }

    /// <summary>A note to print at the top of RESULTS.md, for example that a run on a busy machine is provisional.</summary>
    public const string NoteVariable = "IMAGESERVICE_BENCH_NOTE";

    private static CultureInfo Inv => CultureInfo.InvariantCulture;

    public string Headline() => string.Join(Environment.NewLine, _rows.Select(r => $"{r.Name}: {r.Measured} -> {r.Ratio} (target {r.Target}: {r.Verdict})"));

    /// <summary>The summary table (against the targets), as RESULTS.md has it and README.md quotes it (<see cref="ReadmeQuote"/>).</summary>
    public string SummaryTable()
    {
        var table = new StringBuilder();
        table.AppendLine("| Comparison | Measured | Ratio | Target | Result |");
        table.AppendLine("|---|---|---|---|---|");
        foreach (SummaryRow row in _rows)
        {
            table.AppendLine($"| {row.Name} | {row.Measured} | {row.Ratio} | {row.Target} | {row.Verdict} |");
        }

        return table.ToString();
    }

    /// <summary>
    /// The heading of RESULTS.md's last section: one-off before/after measurements behind a decision (a fork reverted,
    /// a cut made), written by hand. A run rewrites everything above it and keeps it, so a decision's figure stays
    /// next to the numbers it was judged against.
    /// </summary>
    public const string DecisionsHeading = "## Decisions measured before and after (kept across runs)";

    /// <summary><paramref name="markdown"/> with the decisions section of <paramref name="previous"/> (the file it replaces), if any, appended.</summary>
    public static string KeepDecisions(string markdown, string? previous)
    {
        int at = previous?.IndexOf(DecisionsHeading, StringComparison.Ordinal) ?? -1;
        return at < 0 ? markdown : markdown.TrimEnd() + Environment.NewLine + Environment.NewLine + previous![at..];
    }

    public string ToMarkdown(IReadOnlyList<string> failures)
    {
        var md = new StringBuilder();
        md.AppendLine("# ImageService SDK benchmarks");
        md.AppendLine();
        md.AppendLine(_smoke
            ? "Smoke run (`dotnet pwsh ./build.ps1 bench-smoke`): one dry invocation each; the numbers mean nothing, the run proves the suite works."
            : "Written by `dotnet pwsh ./build.ps1 bench` (tests/ImageService.Benchmarks). Every comparison runs side by side in one process, against an in-process Kestrel server on 127.0.0.1 returning fixed, realistic bodies (a Docker image with two full `modelDetails` records, about 2.5 KB).");
        md.AppendLine();
        if (Environment.GetEnvironmentVariable(NoteVariable) is { Length: > 0 } note)
        {
            md.AppendLine($"> **{note}**");
            md.AppendLine();
        }

        md.AppendLine(string.Create(Inv, $"Run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC."));
        md.AppendLine();
        md.AppendLine("## Machine");
        md.AppendLine();
        md.AppendLine($"- CPU: {Cpu()}");
        md.AppendLine(string.Create(Inv, $"- Cores: {Environment.ProcessorCount} logical"));
        md.AppendLine(string.Create(Inv, $"- Memory: {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * MiB):F1} GiB available to the process"));
        md.AppendLine($"- OS: {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
        md.AppendLine($"- .NET: {RuntimeInformation.FrameworkDescription}, GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
        md.AppendLine();
        md.AppendLine("BenchmarkDotNet's environment summary:");
        md.AppendLine();
        md.AppendLine("```");
        if (_summaries.Count > 0)
        {
            foreach (string line in _summaries[0].HostEnvironmentInfo.ToFormattedString())
            {
                md.AppendLine(line);
            }
        }

        foreach (Summary summary in _summaries)
        {
            foreach (var job in summary.BenchmarksCases.Select(c => c.Job).DistinctBy(j => j.DisplayInfo))
            {
                md.AppendLine($"{Name(summary)}: {job.DisplayInfo}");
            }
        }

        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("## Summary: against the targets");
        md.AppendLine();
        md.AppendLine("The targets as restated in issue 18: against the floor, CPU time and allocations per GET on one pinned core and 64-concurrent throughput; against the peers at equal features (bearer token, retry with back-off, per-attempt and total timeouts, request id, logging), no slower and no heavier than the best of them. \"One core\" rows come from a child process under `taskset -c 0` (server and client on that core); \"two cores\" rows from the whole machine. Tables per client follow in \"Against the peers\".");
        md.AppendLine();
        md.Append(SummaryTable());

        if (failures.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("**Failures:**");
            foreach (string failure in failures)
            {
                md.AppendLine($"- {failure}");
            }
        }

        AppendPeers(md);

        if (Find(_summaries, nameof(PipelineOverheadBenchmarks), "Floor") is { } memFloor && Find(_summaries, nameof(PipelineOverheadBenchmarks), "Full") is { } memFull)
        {
            md.AppendLine();
            md.AppendLine(string.Create(Inv, $"The SDK's own cost per GET, without sockets (PipelineOverheadBenchmarks: an in-memory transport answering with the same body): SDK {Time(memFull.MeanNs)} vs floor {Time(memFloor.MeanNs)} ({memFull.MeanNs / memFloor.MeanNs:F2}×, {memFull.MeanNs - memFloor.MeanNs:+0;-0} ns), {Bytes(memFull.AllocBytes)} vs {Bytes(memFloor.AllocBytes)} allocated. Most of a GET is the JSON and the loopback round trip; the table per layer is at the end."));
        }

        if (_crossChecks is { } checks)
        {
            AppendCrossChecks(md, checks);
        }

        md.AppendLine();
        md.AppendLine("## Listing memory (100 pages of 1,000 images at most)");
        md.AppendLine();
        md.AppendLine("The live managed heap before the listing (after a warm-up listing), its peak (`GC.GetTotalMemory(true)` at every page boundary, enumerator open) and the live heap at the last item. Allocation per item is in the listing row above; it is garbage from one page at a time.");
        md.AppendLine();
        md.AppendLine("| Items listed | Live heap before | Peak live heap | Live heap at the last item |");
        md.AppendLine("|---|---|---|---|");
        foreach (ListingProbe.Sample sample in _memory)
        {
            md.AppendLine(string.Create(Inv, $"| {sample.Items:N0} | {sample.BaselineBytes / MiB:F1} MiB | {sample.PeakBytes / MiB:F1} MiB | {sample.LiveBytes / MiB:F1} MiB |"));
        }

        if (_build is not null)
        {
            md.AppendLine();
            md.AppendLine("## Build (`dotnet build src/ImageService.Client -f net10.0 -c Release --no-restore`)");
            md.AppendLine();
            md.AppendLine("| Build | Runs (s) | Median (s) |");
            md.AppendLine("|---|---|---|");
            md.AppendLine(string.Create(Inv, $"| No change | {string.Join(", ", _build.NoChangeSeconds.Select(s => s.ToString("F2", Inv)))} | {_build.NoChangeMedian:F2} |"));
            md.AppendLine(string.Create(Inv, $"| After touching openapi/images.yaml (regenerates) | {string.Join(", ", _build.RegenerateSeconds.Select(s => s.ToString("F2", Inv)))} | {_build.RegenerateMedian:F2} |"));
        }

        md.AppendLine();
        md.AppendLine("## BenchmarkDotNet tables");
        foreach (Summary summary in _summaries)
        {
            md.AppendLine();
            md.AppendLine($"### {Name(summary)}");
            md.AppendLine();
            var logger = new AccumulationLogger();
            MarkdownExporter.GitHub.ExportToLog(summary, logger);
            foreach (string line in logger.GetLog().Split('\n').SkipWhile(l => !l.StartsWith('|')))
            {
                md.AppendLine(line.TrimEnd('\r'));
            }
        }

        return md.ToString().TrimEnd() + "\n";
    }

    private static string Name(Summary summary) =>
        summary.BenchmarksCases.FirstOrDefault()?.Descriptor.Type.Name ?? summary.Title;

    private static string Cpu()
    {
        try
        {
            string? model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (model is not null)
            {
                return model[(model.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static (double MeanNs, double AllocBytes)? Find(IEnumerable<Summary> summaries, string type, string method, string? param = null)
    {
        foreach (Summary summary in summaries)
        {
            foreach (BenchmarkReport report in summary.Reports)
            {
                var descriptor = report.BenchmarkCase.Descriptor;
                if (descriptor.Type.Name == type && descriptor.WorkloadMethod.Name == method
                    && (param is null || report.BenchmarkCase.Parameters.ValueInfo.Contains(param, StringComparison.Ordinal))
                    && report.ResultStatistics is { } stats)
                {
                    return (stats.Mean, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0);
                }
            }
        }

        return null;
    }

    private static string Time(double ns) => ns switch
    {
        >= 1e9 => string.Create(Inv, $"{ns / 1e9:F2} s"),
        >= 1e6 => string.Create(Inv, $"{ns / 1e6:F2} ms"),
        >= 1e3 => string.Create(Inv, $"{ns / 1e3:F1} µs"),
        _ => string.Create(Inv, $"{ns:F0} ns"),
    };

    private static string Bytes(double bytes) => bytes >= MiB
        ? string.Create(Inv, $"{bytes / MiB:F2} MiB")
        : bytes >= 1024 ? string.Create(Inv, $"{bytes / 1024:F1} KiB") : string.Create(Inv, $"{bytes:F0} B");

    private static string Verdict(bool met) => met ? "met" : "**missed**";

    /// <summary>
    /// A time target is met only when BenchmarkDotNet's mean and the interleaved median (when measured) both meet it:
    /// on a noisy machine either alone can pass by luck.
    /// </summary>
    private static string Verdict(bool meanMet, bool? medianMet) => (meanMet, medianMet) switch
    {
        (true, null or true) => "met",
        (true, false) => "**missed** (the mean meets it; the interleaved median does not)",
        (false, true) => "**missed** (the interleaved median meets it; the mean does not)",
        _ => "**missed**",
    };

    private static string WithMedian(double ratio, double? median) =>
        median is { } m ? string.Create(Inv, $"{ratio:F2}× (interleaved median {m:F2}×)") : string.Create(Inv, $"{ratio:F2}×");

    private static double? CrossCheck(IReadOnlyList<Ablation.Row>? rows, string variant) =>
        rows?.FirstOrDefault(r => r.Variant == variant)?.Ratio;

    private static void AppendCrossChecks(StringBuilder md, Ablation.Results checks)
    {
        md.AppendLine();
        md.AppendLine("## Cross-check: interleaved medians, layer by layer");
        md.AppendLine();
        md.AppendLine("BenchmarkDotNet runs one benchmark after the other; on this shared two-core VM the speed drifts between them, and the ratios above move by tens of percent from run to run. Here every variant is called in turn with the others (call by call; batch by batch for the concurrent run; page by page), so drift hits them alike, and the median ignores the scheduler's outliers. A time target above counts as met only when both the BenchmarkDotNet mean and the interleaved median meet it. These tables also say which layer costs what (`Ablation.cs`).");
        AppendCrossCheck(md, string.Create(Inv, $"GET one image, sequential: median latency of {checks.Calls:N0} calls each"), "µs", checks.SequentialGetMicroseconds, higherIsBetter: false);
        AppendCrossCheck(md, string.Create(Inv, $"GET one image, sequential, in-memory transport (no sockets, no server): median latency of {checks.Calls:N0} calls each"), "µs", checks.SequentialInMemoryMicroseconds, higherIsBetter: false);
        AppendCrossCheck(md, string.Create(Inv, $"GET one image, {checks.Concurrency} concurrent: median throughput of the 250 ms rounds"), "req/s", checks.ConcurrentGetRequestsPerSecond, higherIsBetter: true);
        AppendCrossCheck(md, string.Create(Inv, $"GET one image, {checks.Concurrency} concurrent, in-memory transport (no sockets, no server): median throughput"), "req/s", checks.ConcurrentInMemoryRequestsPerSecond, higherIsBetter: true);
        AppendCrossCheck(md, string.Create(Inv, $"Page of 1,000 images: median of {checks.PageIterations} deserializations each"), "ms", checks.PageMilliseconds, higherIsBetter: false);
    }

    private static void AppendCrossCheck(StringBuilder md, string title, string unit, IReadOnlyList<Ablation.Row> rows, bool higherIsBetter)
    {
        md.AppendLine();
        md.AppendLine($"### {title}");
        md.AppendLine();
        string cpuUnit = unit == "ms" ? "ms" : "µs";
        bool allocations = rows.Any(r => !double.IsNaN(r.AllocatedBytes));
        md.AppendLine($"| Variant | Median ({unit}) | Ratio to the first row | p25 | p90 | Process CPU per call ({cpuUnit}) |{(allocations ? " Process allocation per call |" : string.Empty)}");
        md.AppendLine(allocations ? "|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|");
        foreach (Ablation.Row row in rows)
        {
            string delta = higherIsBetter ? string.Empty : string.Create(Inv, $" ({row.Median - rows[0].Median:+0.0;-0.0} {unit})");
            string cpu = double.IsNaN(row.CpuMicroseconds) ? "-" : string.Create(Inv, $"{row.CpuMicroseconds:F1} ({row.CpuMicroseconds / rows[0].CpuMicroseconds:F2}×)");
            string allocated = !allocations ? string.Empty
                : double.IsNaN(row.AllocatedBytes) ? " - |"
                : string.Create(Inv, $" {Bytes(row.AllocatedBytes)} ({row.AllocatedBytes / rows[0].AllocatedBytes:F2}×) |");
            md.AppendLine(string.Create(Inv, $"| {row.Variant} | {row.Median:F1} | {row.Ratio:F2}×{delta} | {row.P25:F1} | {row.P90:F1} | {cpu} |{allocated}"));
        }
    }

    private void Evaluate()
    {
        if (Find(_summaries, nameof(GetImageBenchmarks), "Floor") is { } floor && Find(_summaries, nameof(GetImageBenchmarks), "Sdk") is { } sdk)
        {
            double time = sdk.MeanNs / floor.MeanNs;
            double alloc = sdk.AllocBytes / floor.AllocBytes;
            double? median = CrossCheck(_crossChecks?.SequentialGetMicroseconds, "full SDK");
            _rows.Add(new("GET one image: time, two cores", $"SDK {Time(sdk.MeanNs)} vs floor {Time(floor.MeanNs)}", WithMedian(time, median), "none (restated as CPU on one core)", "-"));
            _rows.Add(new("GET one image: allocated", $"SDK {Bytes(sdk.AllocBytes)} vs floor {Bytes(floor.AllocBytes)}", string.Create(Inv, $"{alloc:F2}×"), "≤ 1.3×", Verdict(alloc <= 1.3)));
        }

        if (_peersOneCore?.Find(PeerComparison.Get) is { } pinnedGet && pinnedGet.Find("SDK") is { } pinnedSdk && pinnedGet.Find("floor") is { } pinnedFloor)
        {
            double cpu = pinnedSdk.CpuMicroseconds / pinnedFloor.CpuMicroseconds;
            double bytes = pinnedSdk.AllocatedBytes / pinnedFloor.AllocatedBytes;
            _rows.Add(new("GET one image: CPU time per call, one core", string.Create(Inv, $"SDK {pinnedSdk.CpuMicroseconds:F1} µs vs floor {pinnedFloor.CpuMicroseconds:F1} µs (wall {pinnedSdk.WallMicroseconds:F1} vs {pinnedFloor.WallMicroseconds:F1} µs)"), string.Create(Inv, $"{cpu:F2}×"), "≤ 1.25×", Verdict(cpu <= 1.25)));
            _rows.Add(new("GET one image: allocated per call, one core (process-wide)", $"SDK {Bytes(pinnedSdk.AllocatedBytes)} vs floor {Bytes(pinnedFloor.AllocatedBytes)}", string.Create(Inv, $"{bytes:F2}×"), "≤ 1.3×", Verdict(bytes <= 1.3)));
        }

        if (Find(_summaries, nameof(PageDeserializationBenchmarks), "RawNewtonsoft") is { } raw
            && Find(_summaries, nameof(PageDeserializationBenchmarks), "Sdk") is { } sdkPage
            && Find(_summaries, nameof(PageDeserializationBenchmarks), "SystemTextJsonSourceGen") is { } stj)
        {
            double ratio = sdkPage.MeanNs / raw.MeanNs;
            double? median = CrossCheck(_crossChecks?.PageMilliseconds, "SDK");
            _rows.Add(new("Page of 1,000: SDK vs raw Newtonsoft", $"SDK {Time(sdkPage.MeanNs)} ({Bytes(sdkPage.AllocBytes)}) vs raw {Time(raw.MeanNs)} ({Bytes(raw.AllocBytes)})", WithMedian(ratio, median) + string.Create(Inv, $" time, {sdkPage.AllocBytes / raw.AllocBytes:F2}× alloc"), "≤ 1.2× time", Verdict(ratio <= 1.2, median is { } m ? m <= 1.2 : null)));
            _rows.Add(new("Page of 1,000: STJ source-gen vs raw Newtonsoft", $"STJ {Time(stj.MeanNs)} ({Bytes(stj.AllocBytes)})", string.Create(Inv, $"{stj.MeanNs / raw.MeanNs:F2}× time, {stj.AllocBytes / raw.AllocBytes:F2}× alloc (SDK is {sdkPage.MeanNs / stj.MeanNs:F2}× STJ)"), "the practical limit (no target)", "-"));
        }

        foreach (int items in new[] { 10_000, 100_000 })
        {
            if (Find(_summaries, nameof(ListingBenchmarks), "ListAll", string.Create(Inv, $"Items={items}")) is { } listing)
            {
                _rows.Add(new(string.Create(Inv, $"List {items:N0} with await foreach"), $"{Time(listing.MeanNs)} total, {Bytes(listing.AllocBytes)} allocated", string.Create(Inv, $"{Time(listing.MeanNs / items)} and {Bytes(listing.AllocBytes / items)} per item"), "time per item (no target)", "-"));
            }
        }

        if (_memory.Count == 2)
        {
            ListingProbe.Sample small = _memory[0], large = _memory[1];
            bool flat = large.PeakBytes <= (1.25 * small.PeakBytes) + MiB && large.LiveBytes <= (1.25 * small.LiveBytes) + MiB;
            _rows.Add(new(
                string.Create(Inv, $"Listing memory, {small.Items:N0} vs {large.Items:N0} items"),
                string.Create(Inv, $"peak live {small.PeakBytes / MiB:F1} → {large.PeakBytes / MiB:F1} MiB, at the last item {small.LiveBytes / MiB:F1} → {large.LiveBytes / MiB:F1} MiB"),
                string.Create(Inv, $"{(double)large.PeakBytes / Math.Max(1, small.PeakBytes):F2}× peak for {large.Items / small.Items}× items"),
                "flat (≤ 1.25× + 1 MiB)",
                Verdict(flat)));
        }

        if (Find(_summaries, nameof(ConcurrentGetBenchmarks), "Floor") is { } cFloor && Find(_summaries, nameof(ConcurrentGetBenchmarks), "Sdk") is { } cSdk)
        {
            double floorRps = 1e9 / cFloor.MeanNs, sdkRps = 1e9 / cSdk.MeanNs;
            double? median = CrossCheck(_crossChecks?.ConcurrentGetRequestsPerSecond, "full SDK");
            _rows.Add(new("64 concurrent GETs: throughput, two cores", string.Create(Inv, $"SDK {sdkRps:N0} req/s vs floor {floorRps:N0} req/s"), WithMedian(sdkRps / floorRps, median), "≥ 0.85×", Verdict(sdkRps / floorRps >= 0.85, median is { } m ? m >= 0.85 : null)));
        }

        if (_peersOneCore?.Find(PeerComparison.Concurrent) is { } pinnedConcurrent && pinnedConcurrent.Find("SDK") is { } pinnedSdk64 && pinnedConcurrent.Find("floor") is { } pinnedFloor64)
        {
            double ratio = pinnedSdk64.RequestsPerSecond / pinnedFloor64.RequestsPerSecond;
            _rows.Add(new("64 concurrent GETs: throughput, one core", string.Create(Inv, $"SDK {pinnedSdk64.RequestsPerSecond:N0} req/s vs floor {pinnedFloor64.RequestsPerSecond:N0} req/s"), string.Create(Inv, $"{ratio:F2}×"), "≥ 0.85×", Verdict(ratio >= 0.85)));
        }

        EvaluatePeers();

        if (_build is not null)
        {
            _rows.Add(new("Build: no change vs regenerate", string.Create(Inv, $"{_build.NoChangeMedian:F2} s vs {_build.RegenerateMedian:F2} s (medians of {_build.NoChangeSeconds.Count})"), string.Create(Inv, $"{_build.RegenerateMedian / _build.NoChangeMedian:F2}×"), "(no target)", "-"));
        }
    }

    /// <summary>
    /// The SDK against the best peer (the floor is not a peer), in each scenario: no slower on one core (CPU per call)
    /// and on two cores (wall per call, interleaved median); no heavier (allocated per call); throughput no lower.
    /// </summary>
    private void EvaluatePeers()
    {
        foreach (string scenario in new[] { PeerComparison.Get, PeerComparison.Page })
        {
            PeerComparison.Scenario? one = _peersOneCore?.Find(scenario), two = _peersTwoCores?.Find(scenario);
            if (BestPeer(one, r => r.CpuMicroseconds, lowest: true) is { } cpu && one!.Find("SDK") is { } sdkOne)
            {
                _rows.Add(new($"{scenario} vs the best peer: CPU per call, one core", string.Create(Inv, $"SDK {Micro(sdkOne.CpuMicroseconds)} vs {cpu.Client} {Micro(cpu.CpuMicroseconds)}"), string.Create(Inv, $"{sdkOne.CpuMicroseconds / cpu.CpuMicroseconds:F2}×"), "≤ 1.00×", Verdict(sdkOne.CpuMicroseconds <= cpu.CpuMicroseconds)));
            }

            if (BestPeer(two, r => r.WallMicroseconds, lowest: true) is { } wall && two!.Find("SDK") is { } sdkTwo)
            {
                _rows.Add(new($"{scenario} vs the best peer: wall per call, two cores", string.Create(Inv, $"SDK {Micro(sdkTwo.WallMicroseconds)} vs {wall.Client} {Micro(wall.WallMicroseconds)}"), string.Create(Inv, $"{sdkTwo.WallMicroseconds / wall.WallMicroseconds:F2}×"), "≤ 1.00×", Verdict(sdkTwo.WallMicroseconds <= wall.WallMicroseconds)));
            }

            PeerComparison.Scenario? memory = two ?? one;
            if (BestPeer(memory, r => r.AllocatedBytes, lowest: true) is { } light && memory!.Find("SDK") is { } sdkBytes)
            {
                _rows.Add(new($"{scenario} vs the best peer: allocated per call", $"SDK {Bytes(sdkBytes.AllocatedBytes)} vs {light.Client} {Bytes(light.AllocatedBytes)}", string.Create(Inv, $"{sdkBytes.AllocatedBytes / light.AllocatedBytes:F2}×"), "≤ 1.00×", Verdict(sdkBytes.AllocatedBytes <= light.AllocatedBytes)));
            }
        }

        foreach ((string mode, PeerComparison.Results? results) in new[] { ("one core", _peersOneCore), ("two cores", _peersTwoCores) })
        {
            PeerComparison.Scenario? concurrent = results?.Find(PeerComparison.Concurrent);
            if (BestPeer(concurrent, r => r.RequestsPerSecond, lowest: false) is { } fastest && concurrent!.Find("SDK") is { } sdk)
            {
                _rows.Add(new($"{PeerComparison.Concurrent} vs the best peer: throughput, {mode}", string.Create(Inv, $"SDK {sdk.RequestsPerSecond:N0} vs {fastest.Client} {fastest.RequestsPerSecond:N0} req/s"), string.Create(Inv, $"{sdk.RequestsPerSecond / fastest.RequestsPerSecond:F2}×"), "≥ 1.00×", Verdict(sdk.RequestsPerSecond >= fastest.RequestsPerSecond)));
            }
        }
    }

    private static PeerComparison.Row? BestPeer(PeerComparison.Scenario? scenario, Func<PeerComparison.Row, double> value, bool lowest)
    {
        PeerComparison.Row[] peers = scenario?.Rows.Where(r => r.Client is not ("SDK" or "floor")).ToArray() ?? [];
        return peers.Length == 0 ? null : lowest ? peers.MinBy(value) : peers.MaxBy(value);
    }

    private static string Micro(double microseconds) => Time(microseconds * 1_000);

    private void AppendPeers(StringBuilder md)
    {
        if (_peersTwoCores is null && _peersOneCore is null)
        {
            return;
        }

        PeerComparison.Results any = (_peersTwoCores ?? _peersOneCore)!;
        md.AppendLine();
        md.AppendLine("## Against the peers (equal features)");
        md.AppendLine();
        md.AppendLine("What a user would pick instead of this SDK, each generated or written the way its users do (from `openapi/images.yaml` where a generator applies), all against the same in-process server and bodies, all with a bearer token from the same credential, retry with exponential back-off, a per-attempt and a total timeout with the SDK's default values, a request id, and logging at Information into a logger that writes nowhere (tests/ImageService.Benchmarks/Peers). Before it is timed, each client must return the same image (ids, names, versions, creation time, model details, runtime) and the same page as the server sent, or its rows are left out and the run fails.");
        md.AppendLine();
        foreach ((string client, string description) in any.Descriptions)
        {
            md.AppendLine($"- **{client}**: {description}");
        }

        md.AppendLine();
        md.AppendLine("The peers' credential answers at once and the Refit, NSwag and Kiota set-ups ask it for a token on every request (as such code usually does, relying on Azure.Identity's cache); a real credential costs more per call there, so these figures lean the peers' way. The SDK and Azure.Core cache the token themselves.");
        md.AppendLine();
        md.AppendLine("Interleaved (`Peers/PeerComparison.cs`): in each round every client makes a short batch of calls in turn, the order rotating from round to round. Wall time and throughput are medians over the rounds. CPU time is the process's (`Environment.CpuUsage`: every thread, the in-process server's included, alike for every client), and so are allocated bytes; both are totals over all rounds divided by the calls, so garbage collections count. \"SDK ÷ client\" above 1 means the SDK is slower, busier or heavier; for throughput, below 1 means the SDK serves fewer requests. Nothing is timed before the JIT has settled: on one core the runtime waits ten times longer before it recompiles hot methods, and until it has, the rows compare unoptimized code (the first one-core runs did, and overstated the SDK's CPU per GET by a third; see \"CPU cuts\").");
        foreach (PeerComparison.Results results in new[] { _peersOneCore, _peersTwoCores }.OfType<PeerComparison.Results>())
        {
            PeerComparison.Settings settings = results.Settings;
            md.AppendLine();
            md.AppendLine($"### {Capitalize(results.Mode)}: {results.ProcessorCount} logical CPU(s) visible to the runtime, CPUs allowed: {results.CpusAllowed}");
            md.AppendLine();
            string warmup = results.Warmup is { } w
                ? string.Create(Inv, $" Warm-up: {settings.WarmupCalls:N0} GETs per client, then every client in turn until the JIT compiled nothing for {settings.SettleQuietSeconds:F0} s: {(w.Settled ? "settled" : "**not settled**")} after {w.Seconds:F0} s ({w.CompiledMethods:N0} methods compiled).")
                : string.Empty;
            md.AppendLine(string.Create(Inv, $"{settings.GetRounds} rounds of {settings.GetBatch} GETs per client; {settings.PageRounds} rounds of {settings.PageBatch} pages; {settings.ConcurrentRounds} rounds of {settings.ConcurrentRoundMilliseconds:F0} ms of 64 concurrent GETs.{warmup}"));
            md.AppendLine();
            md.AppendLine("| Client | GET: wall | GET: CPU | GET: allocated | Page of 1,000: wall | Page: CPU | Page: allocated | 64 concurrent: throughput | 64 concurrent: CPU per GET |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|");
            PeerComparison.Scenario? get = results.Find(PeerComparison.Get), page = results.Find(PeerComparison.Page), concurrent = results.Find(PeerComparison.Concurrent);
            foreach (string client in results.Scenarios.SelectMany(s => s.Rows).Select(r => r.Client).Distinct())
            {
                md.AppendLine($"| {client} | {Cell(get, client, r => r.WallMicroseconds, Micro)} | {Cell(get, client, r => r.CpuMicroseconds, Micro)} | {Cell(get, client, r => r.AllocatedBytes, Bytes)} | {Cell(page, client, r => r.WallMicroseconds, Micro)} | {Cell(page, client, r => r.CpuMicroseconds, Micro)} | {Cell(page, client, r => r.AllocatedBytes, Bytes)} | {Cell(concurrent, client, r => r.RequestsPerSecond, v => string.Create(Inv, $"{v:N0} req/s"))} | {Cell(concurrent, client, r => r.CpuMicroseconds, Micro)} |");
            }

            foreach (string failure in results.Failures)
            {
                md.AppendLine();
                md.AppendLine($"**Failed check:** {failure}");
            }
        }
    }

    /// <summary>A client's value, with the SDK's value divided by it (the SDK's row has no ratio).</summary>
    private static string Cell(PeerComparison.Scenario? scenario, string client, Func<PeerComparison.Row, double> value, Func<double, string> format)
    {
        if (scenario?.Find(client) is not { } row)
        {
            return "-";
        }

        string text = format(value(row));
        return client != "SDK" && scenario.Find("SDK") is { } sdk
            ? string.Create(Inv, $"{text} (SDK ÷ it {value(sdk) / value(row):F2}×)")
            : text;
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private sealed record SummaryRow(string Name, string Measured, string Ratio, string Target, string Verdict);
}
