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

    [Fact]
    public async Task OverloadAdded_OldSignatureStays_IsAdditive()
    {
        // GetImageAsync(id, ct = default) became GetImageAsync(id, ct) beside GetImageAsync(id, options = null, ct = default):
        // the old signature is still there and every call it took still binds, so nothing broke.
        var result = await DiffAsync("overload-added");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Public API changes: 0 breaking (removed or changed), 3 additive", result.Output);
        Assert.Contains("kept     virtual GetImageAsync(string! imageId, System.Threading.CancellationToken cancellationToken = default(System.Threading.CancellationToken))", result.Output);
        Assert.Contains("(same signature; every call it took still binds)", result.Output);
        Assert.Contains("added    virtual GetImageAsync(string! imageId, ImageService.Client.ImageGetOptions? options = null", result.Output);
        Assert.DoesNotContain("changed  ", result.Output);
    }

    [Fact]
    public async Task OverloadRemovedOrDefaultDropped_IsBreaking()
    {
        // One overload of GetImageAsync goes; ListProfilesAsync loses its default with no overload left to take
        // ListProfilesAsync(id): both break callers.
        var result = await DiffAsync("overload-removed");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("Public API changes: 2 breaking (removed or changed), 0 additive", result.Output);
        Assert.Contains("removed  virtual GetImageAsync(string! imageId, System.Threading.CancellationToken cancellationToken)", result.Output);
        Assert.Contains("changed  virtual ListProfilesAsync(string! imageId, System.Threading.CancellationToken cancellationToken = default(System.Threading.CancellationToken))", result.Output);
    }

    private static Task<BuildScriptResult> DiffAsync(string fixture) =>
        BuildScript.RunAsync("api-diff-files", "-Old", BuildScript.Fixture("public-api", fixture, "before"), "-New", BuildScript.Fixture("public-api", fixture, "after"));
}
