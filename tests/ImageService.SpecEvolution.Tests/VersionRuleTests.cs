using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>
/// The versioning rule of CHANGELOG.md as the gates apply it, in a scratch git repository (a copy of this repository's
/// spec, PublicAPI files, version.props, CHANGELOG.md and build scripts): counted from the last release tag, an added
/// enum value MINOR, one MAJOR for every breaking change before the first release, text required under the heading.
/// Every version is derived from the copy's version.props, so the tests hold whatever version the repository is at.
/// </summary>
public sealed class VersionRuleTests
{
    [Fact]
    public async Task SpecDiff_EnumValueAddedAfterARelease_AsksForMinorNotMajor()
    {
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        string release = await repo.TagReleaseAsync();
        SpecEdit value = repo.EditSpec(SpecEdits.AddQueuedState);

        BuildScriptResult result = await repo.RunAsync("spec-diff");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains($"base: the newest release tag, {release}", result.Output);
        Assert.Contains($"Optic: BREAKING [request and response property enums] cannot add enum option '{value.Name}'", result.Output);
        Assert.Contains($"the rule says MINOR, {repo.NextMinor}", result.Output);
        Assert.DoesNotContain($"they need {repo.NextMajor}", result.Output);
    }

    [Fact]
    public async Task SpecDiff_BreakingChangesBeforeTheFirstRelease_Need1_0_0_NotAnotherMajor()
    {
        // Nothing released (the copy has no tag): before, every breaking change asked for 2.0.0, then 3.0.0, ...
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        repo.EditSpec(spec => SpecEdits.RenameBuildLogUri(spec, out _));

        BuildScriptResult result = await repo.RunAsync("spec-diff");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("BREAKING", result.Output);
        Assert.Contains("last release: none yet", result.Output);
        Assert.Contains($"version.props {repo.Version} is at least 1.0.0 (nothing is released yet", result.Output);
    }

    [Fact]
    public async Task Gates_ChangelogHeadingWithoutText_FailBoth()
    {
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        string version = repo.Version.ToString();
        repo.Edit("CHANGELOG.md", text =>
        {
            int heading = text.IndexOf($"## [{version}]", System.StringComparison.Ordinal);
            int next = text.IndexOf("\n## ", heading + 1, System.StringComparison.Ordinal);
            return text[..heading] + $"## [{version}] - Unreleased\n\n### Added\n\n" + (next < 0 ? string.Empty : text[(next + 1)..]);
        });

        BuildScriptResult result = await repo.RunAsync("api-diff");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains($"CHANGELOG.md has the heading '## [{version}] - Unreleased' but no text under it", result.Output);
    }

    [Fact]
    public async Task Gates_SpecAndApiChangedInDifferentCommits_CompareWithTheSameBase()
    {
        // Before, api-diff looked for the last commit that changed a PublicAPI file and spec-diff for the last one that
        // changed the spec, so the two gates could judge two different changes.
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        SpecEdit property = repo.EditSpec(SpecEdits.AddBuildDurationProperty);
        await repo.CommitAllAsync($"Spec: {property.Name}");
        repo.Edit("src/ImageService.Client/PublicAPI.Unshipped.txt", text => text + $"ImageService.Client.ImageResponseBase.{property.Member}.get -> long?\n");
        await repo.CommitAllAsync($"Public API: {property.Member}");
        string apiCommit = (await repo.GitAsync("rev-parse", "--short", "HEAD")).Trim();

        BuildScriptResult result = await repo.RunAsync("spec-diff", "api-diff");

        Assert.True(result.ExitCode == 0, result.ToString());
        string expectedBase = $"the parent of {apiCommit}, the last commit that changed the spec or the public API";
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(result.Output, System.Text.RegularExpressions.Regex.Escape(expectedBase)).Count);
    }

    [Fact]
    public async Task ApiDiff_NewRequiredRequestProperty_IsBreaking()
    {
        // A property the spec now requires in a request changes no C# signature (a new settable property looks
        // additive), yet code built against the release does not set it and sends requests the service rejects.
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        string release = await repo.TagReleaseAsync();
        SpecEdit required = repo.EditSpec(SpecEdits.AddRequiredRequestProperty);
        repo.Edit("src/ImageService.Client/PublicAPI.Unshipped.txt", text => text
            + $"ImageService.Client.DockerImageRequest.{required.Member}.get -> string!\n"
            + $"ImageService.Client.DockerImageRequest.{required.Member}.set -> void\n");
        repo.SetVersion(repo.NextMinor);
        repo.AddChangelogSection(repo.Version.ToString(), $"### Added\n\n- `DockerImageRequest.{required.Member}`.");

        BuildScriptResult result = await repo.RunAsync("api-diff");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("Public API changes: 1 breaking (removed or changed), 2 additive", result.Output);
        Assert.Contains($"now required {required.Member}: openapi/images.yaml requires '{required.Name}' in DockerImageRequest now", result.Output);
        Assert.Contains($"they need {new System.Version(repo.Version.Major + 1, 0, 0)} (one MAJOR above the last release, {release})", result.Output);
    }
}
