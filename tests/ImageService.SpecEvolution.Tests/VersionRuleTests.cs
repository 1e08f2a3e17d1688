using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>
/// The versioning rule of CHANGELOG.md as the gates apply it, in a scratch git repository (a copy of this repository's
/// spec, PublicAPI files, version.props, CHANGELOG.md and build scripts): counted from the last release tag, an added
/// enum value MINOR, one MAJOR for every breaking change before the first release, text required under the heading.
/// </summary>
public sealed class VersionRuleTests
{
    [Fact]
    public async Task SpecDiff_EnumValueAddedAfterARelease_AsksForMinorNotMajor()
    {
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        await repo.GitAsync("tag", "-a", "v1.0.0", "-m", "Release 1.0.0");
        repo.Edit("openapi/images.yaml", SpecEdits.AddQueuedState);

        BuildScriptResult result = await repo.RunAsync("spec-diff");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("base: the newest release tag, v1.0.0", result.Output);
        Assert.Contains("Optic: BREAKING [request and response property enums] cannot add enum option 'Queued'", result.Output);
        Assert.Contains("the rule says MINOR, 1.1.0", result.Output);
        Assert.DoesNotContain("2.0.0", result.Output);
    }

    [Fact]
    public async Task SpecDiff_BreakingChangesBeforeTheFirstRelease_Need1_0_0_NotAnotherMajor()
    {
        // version.props says 1.0.0, never released: before, every breaking change asked for 2.0.0, then 3.0.0, ...
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        repo.Edit("openapi/images.yaml", SpecEdits.RenameImageBuildLogUri);

        BuildScriptResult result = await repo.RunAsync("spec-diff");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("BREAKING", result.Output);
        Assert.Contains("last release: none yet", result.Output);
        Assert.Contains("version.props 1.0.0 is at least 1.0.0 (nothing is released yet", result.Output);
    }

    [Fact]
    public async Task Gates_ChangelogHeadingWithoutText_FailBoth()
    {
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        repo.Edit("CHANGELOG.md", text =>
        {
            int heading = text.IndexOf("## [1.0.0]", System.StringComparison.Ordinal);
            int next = text.IndexOf("\n## ", heading + 1, System.StringComparison.Ordinal);
            return text[..heading] + "## [1.0.0] - Unreleased\n\n### Added\n\n" + (next < 0 ? string.Empty : text[(next + 1)..]);
        });

        BuildScriptResult result = await repo.RunAsync("api-diff");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("CHANGELOG.md has the heading '## [1.0.0] - Unreleased' but no text under it", result.Output);
    }

    [Fact]
    public async Task Gates_SpecAndApiChangedInDifferentCommits_CompareWithTheSameBase()
    {
        // Before, api-diff looked for the last commit that changed a PublicAPI file and spec-diff for the last one that
        // changed the spec, so the two gates could judge two different changes.
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        repo.Edit("openapi/images.yaml", SpecEdits.AddBuildDurationProperty);
        await repo.CommitAllAsync("Spec: buildDurationSeconds");
        repo.Edit("src/ImageService.Client/PublicAPI.Unshipped.txt", text => text + "ImageService.Client.ImageResponseBase.BuildDurationSeconds.get -> long?\n");
        await repo.CommitAllAsync("Public API: BuildDurationSeconds");
        string apiCommit = (await repo.GitAsync("rev-parse", "--short", "HEAD")).Trim();

        BuildScriptResult result = await repo.RunAsync("spec-diff", "api-diff");

        Assert.True(result.ExitCode == 0, result.ToString());
        string expectedBase = $"the parent of {apiCommit}, the last commit that changed the spec or the public API";
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(result.Output, System.Text.RegularExpressions.Regex.Escape(expectedBase)).Count);
    }
}
