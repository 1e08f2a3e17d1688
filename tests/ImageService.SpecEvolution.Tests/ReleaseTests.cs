using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary><c>build.ps1 release -Version X</c> in a scratch git repository holding a copy of this one's release files.</summary>
public sealed class ReleaseTests
{
    [Fact]
    public async Task Release_FromACleanTree_MovesUnshippedToShippedDatesTheHeadingAndTags()
    {
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        string[] unshipped = File.ReadAllLines(repo.PathOf("src/ImageService.Client/PublicAPI.Unshipped.txt")).Where(l => l.Trim().Length > 0 && !l.StartsWith('#')).ToArray();

        BuildScriptResult result = await repo.RunAsync("release", "-Version", "1.0.0", "-Date", "2026-03-01");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] shipped = File.ReadAllLines(repo.PathOf("src/ImageService.Client/PublicAPI.Shipped.txt"));
        Assert.Equal("#nullable enable", shipped[0]);
        Assert.Equal(unshipped.Order(System.StringComparer.Ordinal), shipped.Skip(1));
        Assert.Equal("#nullable enable\n", repo.Read("src/ImageService.Client/PublicAPI.Unshipped.txt"));
        Assert.Contains("\n## [1.0.0] - 2026-03-01\n", repo.Read("CHANGELOG.md"));
        Assert.DoesNotContain("[1.0.0] - Unreleased", repo.Read("CHANGELOG.md"));
        Assert.Equal("Release 1.0.0", (await repo.GitAsync("log", "-1", "--format=%s")).Trim());
        Assert.Equal((await repo.GitAsync("rev-parse", "HEAD")).Trim(), (await repo.GitAsync("rev-parse", "v1.0.0^{commit}")).Trim());
        Assert.Equal("tag", (await repo.GitAsync("cat-file", "-t", "v1.0.0")).Trim());
        Assert.Equal(string.Empty, (await repo.GitAsync("status", "--porcelain")).Trim());

        // From now on the gates compare with the release, and the same version cannot be released twice.
        BuildScriptResult after = await repo.RunAsync("api-diff");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains("base: the newest release tag, v1.0.0", after.Output);
        BuildScriptResult again = await repo.RunAsync("release", "-Version", "1.0.0");
        Assert.True(again.ExitCode != 0, again.ToString());
        Assert.Contains("The tag v1.0.0 already exists", again.Output);
    }

    [Fact]
    public async Task Release_RefusesADirtyTreeAVersionMismatchAndAnUndescribedVersion()
    {
        using ScratchRepo repo = await ScratchRepo.CreateAsync();

        BuildScriptResult mismatch = await repo.RunAsync("release", "-Version", "1.1.0");
        Assert.True(mismatch.ExitCode != 0, mismatch.ToString());
        Assert.Contains("version.props says 1.0.0, not 1.1.0", mismatch.Output);

        repo.SetVersion("1.1.0");
        await repo.CommitAllAsync("1.1.0 without a CHANGELOG entry");
        BuildScriptResult undescribed = await repo.RunAsync("release", "-Version", "1.1.0");
        Assert.True(undescribed.ExitCode != 0, undescribed.ToString());
        Assert.Contains("CHANGELOG.md has no entry for 1.1.0", undescribed.Output);

        repo.AddChangelogSection("1.1.0", "### Added\n\n- Something.");
        BuildScriptResult dirty = await repo.RunAsync("release", "-Version", "1.1.0");
        Assert.True(dirty.ExitCode != 0, dirty.ToString());
        Assert.Contains("release needs a clean working tree", dirty.Output);
        Assert.Equal(string.Empty, (await repo.GitAsync("tag", "--list")).Trim());
    }
}
