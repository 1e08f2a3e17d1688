using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>
/// <c>build.ps1 release -Version X</c> in a scratch git repository holding a copy of this one's release files, with X
/// the version that copy's version.props says, whatever it is (the tests follow the repository's state).
/// </summary>
public sealed class ReleaseTests
{
    [Fact]
    public async Task Release_FromACleanTree_MovesUnshippedToShippedDatesTheHeadingAndTags()
    {
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        string version = repo.Version.ToString();
        string[] declared = ApiLines(repo, "PublicAPI.Shipped.txt").Concat(ApiLines(repo, "PublicAPI.Unshipped.txt")).ToArray();
        string[] expected = declared.Where(l => !l.StartsWith("*REMOVED*", System.StringComparison.Ordinal))
            .Except(declared.Where(l => l.StartsWith("*REMOVED*", System.StringComparison.Ordinal)).Select(l => l["*REMOVED*".Length..]))
            .Distinct().Order(System.StringComparer.Ordinal).ToArray();

        BuildScriptResult result = await repo.RunAsync("release", "-Version", version, "-Date", "2026-03-01");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] shipped = File.ReadAllLines(repo.PathOf("src/ImageService.Client/PublicAPI.Shipped.txt"));
        Assert.Equal("#nullable enable", shipped[0]);
        Assert.Equal(expected, shipped.Skip(1));
        Assert.Equal("#nullable enable\n", repo.Read("src/ImageService.Client/PublicAPI.Unshipped.txt"));
        Assert.Contains($"\n## [{version}] - 2026-03-01\n", repo.Read("CHANGELOG.md"));
        Assert.DoesNotContain($"[{version}] - Unreleased", repo.Read("CHANGELOG.md"));
        Assert.Equal($"Release {version}", (await repo.GitAsync("log", "-1", "--format=%s")).Trim());
        Assert.Equal((await repo.GitAsync("rev-parse", "HEAD")).Trim(), (await repo.GitAsync("rev-parse", $"v{version}^{{commit}}")).Trim());
        Assert.Equal("tag", (await repo.GitAsync("cat-file", "-t", $"v{version}")).Trim());
        Assert.Equal(string.Empty, (await repo.GitAsync("status", "--porcelain")).Trim());

        // From now on the gates compare with the release, and the same version cannot be released twice.
        BuildScriptResult after = await repo.RunAsync("api-diff");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains($"base: the newest release tag, v{version}", after.Output);
        BuildScriptResult again = await repo.RunAsync("release", "-Version", version);
        Assert.True(again.ExitCode != 0, again.ToString());
        Assert.Contains($"The tag v{version} already exists", again.Output);
    }

    [Fact]
    public async Task Release_RefusesADirtyTreeAVersionMismatchAndAnUndescribedVersion()
    {
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        string current = repo.Version.ToString();
        string next = repo.NextMinor;

        BuildScriptResult mismatch = await repo.RunAsync("release", "-Version", next);
        Assert.True(mismatch.ExitCode != 0, mismatch.ToString());
        Assert.Contains($"version.props says {current}, not {next}", mismatch.Output);

        repo.SetVersion(next);
        await repo.CommitAllAsync($"{next} without a CHANGELOG entry");
        BuildScriptResult undescribed = await repo.RunAsync("release", "-Version", next);
        Assert.True(undescribed.ExitCode != 0, undescribed.ToString());
        Assert.Contains($"CHANGELOG.md has no entry for {next}", undescribed.Output);

        repo.AddChangelogSection(next, "### Added\n\n- Something.");
        BuildScriptResult dirty = await repo.RunAsync("release", "-Version", next);
        Assert.True(dirty.ExitCode != 0, dirty.ToString());
        Assert.Contains("release needs a clean working tree", dirty.Output);
        Assert.Equal(string.Empty, (await repo.GitAsync("tag", "--list")).Trim());
    }

    private static string[] ApiLines(ScratchRepo repo, string file) =>
        File.ReadAllLines(repo.PathOf("src/ImageService.Client/" + file)).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
}
