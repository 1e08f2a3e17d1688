using System;
using System.IO;
using System.Linq;

namespace ImageService.Benchmarks;

/// <summary>
/// Keeps README.md's quote of RESULTS.md's summary table in step with RESULTS.md: the text between
/// <c>&lt;!-- results:summary --&gt;</c> and <c>&lt;!-- /results:summary --&gt;</c> becomes the table under "## Summary"
/// in RESULTS.md, with its run date and note. A full <c>build.ps1 bench</c> does it; <c>--readme-quote</c> does it alone.
/// A README without the markers is left alone.
/// </summary>
public static class ReadmeQuote
{
    private const string Begin = "<!-- results:summary -->";
    private const string End = "<!-- /results:summary -->";

    public static bool Update(string repoRoot)
    {
        string readmePath = Path.Combine(repoRoot, "README.md");
        string resultsPath = Path.Combine(repoRoot, "tests", "ImageService.Benchmarks", "RESULTS.md");
        if (!File.Exists(readmePath) || !File.Exists(resultsPath))
        {
            return false;
        }

        string readme = File.ReadAllText(readmePath);
        int begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        int end = readme.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            return false;
        }

        string[] results = File.ReadAllLines(resultsPath);
        string run = results.FirstOrDefault(l => l.StartsWith("Run: ", StringComparison.Ordinal))?["Run: ".Length..].TrimEnd('.') ?? "date unknown";
        string? note = results.FirstOrDefault(l => l.StartsWith("> ", StringComparison.Ordinal))?[2..];
        string[] table = results
            .SkipWhile(l => !l.StartsWith("## Summary", StringComparison.Ordinal))
            .SkipWhile(l => !l.StartsWith('|'))
            .TakeWhile(l => l.StartsWith('|'))
            .ToArray();
        if (table.Length == 0)
        {
            return false;
        }

        string header = $"From [RESULTS.md](tests/ImageService.Benchmarks/RESULTS.md) (run {run}; the machine is described there)." + (note is null ? string.Empty : $" {note}");
        string quote = $"{Begin}\n{header}\n\n{string.Join('\n', table)}\n";
        File.WriteAllText(readmePath, readme[..begin] + quote + readme[end..]);
        return true;
    }
}
