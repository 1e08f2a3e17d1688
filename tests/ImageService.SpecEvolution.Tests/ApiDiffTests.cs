using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>The PublicAPI comparison of <c>build.ps1 api-diff</c>, via <c>build.ps1 api-diff-files</c>.</summary>
public sealed class ApiDiffTests
{
    [Fact]
    public async Task RemovedAndChangedMembers_AreBreaking_GroupedByType()
    {
        var result = await BuildScript.RunAsync("api-diff-files",
            "-Old", BuildScript.Fixture("public-api", "before"), "-New", BuildScript.Fixture("public-api", "after"));

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("Public API changes: 7 breaking (removed or changed), 5 additive", result.Output);
        Assert.Contains("""
                  ImageService.Client.ImageResponseBase
                    removed  AutoDelete.get -> bool?
                    removed  AutoDelete.set -> void
                    changed  Version.get -> long?  =>  Version.get -> int?
                    added    BuildDurationSeconds.get -> long?
                    added    BuildDurationSeconds.set -> void
            """.ReplaceLineEndings(), result.Output);
        Assert.Contains("""
                  ImageService.Client.ErrorDetails
                    type removed (with every member)
                    removed  Code.get -> string?
            """.ReplaceLineEndings(), result.Output);
        Assert.Contains("""
                  ImageService.Client.ImageProfile
                    type added
                    added    ImageProfile() -> void
            """.ReplaceLineEndings(), result.Output);
        // A new overload is an addition, not a change of the existing member.
        Assert.Contains("added    GetImageAsync(string! imageId, bool expand) -> System.Threading.Tasks.Task<ImageService.Client.ImageResponseBase!>!", result.Output);
        Assert.Contains("api-diff-files: 7 removed or changed public symbol(s).", result.Output);
    }

    [Fact]
    public async Task AddedMember_IsAdditive()
    {
        var result = await BuildScript.RunAsync("api-diff-files",
            "-Old", BuildScript.Fixture("public-api", "before"), "-New", BuildScript.Fixture("public-api", "additive"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Public API changes: 0 breaking (removed or changed), 1 additive", result.Output);
        Assert.Contains("added    BuildDurationSeconds.get -> long?", result.Output);
    }
}
