using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ImageService.Client.PackageTests.TestSupport;

namespace ImageService.Client.PackageTests.Documentation;

/// <summary>CHANGELOG.md says what changed; measured figures live in the benchmarks' RESULTS.md only.</summary>
public sealed partial class ChangelogTests
{
    [Fact]
    public void Changelog_HasNoMeasuredFigures()
    {
        string changelog = File.ReadAllText(Path.Combine(Repository.Root, "CHANGELOG.md"));

        string[] figures = [.. MeasuredFigure().Matches(changelog).Select(m => m.Value)];

        Assert.True(figures.Length == 0, $"CHANGELOG.md quotes measured figures ({string.Join(", ", figures)}): they differ from run to run and from RESULTS.md; link to tests/ImageService.Benchmarks/RESULTS.md instead.");
        Assert.Contains("tests/ImageService.Benchmarks/RESULTS.md", changelog, System.StringComparison.Ordinal);
    }

    // A number with a unit of time, size or rate, a percentage, or a ratio (1.18×): what a benchmark measures.
    [GeneratedRegex(@"\d+(?:[.,]\d+)?\s?(?:µs|ns|ms|KiB|MiB|GiB|KB|MB|GB|%|×|req/s)(?!\w)")]
    private static partial Regex MeasuredFigure();
}
