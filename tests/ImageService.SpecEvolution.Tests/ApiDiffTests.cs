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

    [Theory]
    // GetImageAsync(id, ct = default) became GetImageAsync(id, ct) beside GetImageAsync(id, options = null, ct = default):
    // the old signature is still there and every call it took still binds, so nothing broke.
    [InlineData("overload-added", false, "Public API changes: 0 breaking (removed or changed), 3 additive", new[]
    {
        "kept     virtual GetImageAsync(string! imageId, System.Threading.CancellationToken cancellationToken = default(System.Threading.CancellationToken))",
        "(same signature; every call it took still binds)",
        "added    virtual GetImageAsync(string! imageId, ImageService.Client.ImageGetOptions? options = null",
    })]
    // One overload of GetImageAsync goes; ListProfilesAsync loses its default with no overload left to take
    // ListProfilesAsync(id): both break callers.
    [InlineData("overload-removed", true, "Public API changes: 2 breaking (removed or changed), 0 additive", new[]
    {
        "removed  virtual GetImageAsync(string! imageId, System.Threading.CancellationToken cancellationToken)",
        "changed  virtual ListProfilesAsync(string! imageId, System.Threading.CancellationToken cancellationToken = default(System.Threading.CancellationToken))",
    })]
    public async Task Overloads_AddedBesideTheOldSignatureOrRemoved_AreAdditiveOrBreaking(string fixture, bool breaking, string summary, string[] reported)
    {
        var result = await DiffAsync(fixture);

        Assert.True(result.ExitCode != 0 == breaking, result.ToString());
        Assert.Contains(summary, result.Output);
        Assert.All(reported, line => Assert.Contains(line, result.Output));
    }

    private static Task<BuildScriptResult> DiffAsync(string fixture) =>
        BuildScript.RunAsync("api-diff-files", "-Old", BuildScript.Fixture("public-api", fixture, "before"), "-New", BuildScript.Fixture("public-api", fixture, "after"));
}
