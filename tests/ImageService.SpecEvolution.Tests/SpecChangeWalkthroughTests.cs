using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>
/// The three walkthroughs of CONTRIBUTING.md ("When the spec changes"), each on a scratch copy of openapi/images.yaml
/// as it is today, so they follow the spec. What each covers:
/// <list type="bullet">
/// <item>additive: a new query parameter and a new response property reach the public API with no hand edit (NSwag and
/// the list-filter generator on the scratch spec; the filter is sent over loopback HTTP, the property read back), and
/// the gate asks for MINOR;</item>
/// <item>enum value: the gates pass it as MINOR once version.props says so, showing Optic's own verdict (scratch repo
/// with a release tag);</item>
/// <item>rename: both gates fail as before until the documented steps (MAJOR version, CHANGELOG text, the baseline that
/// api-baseline writes), then pass (scratch repo with a release tag).</item>
/// </list>
/// What these cannot cover, the whole-solution build (the emulator's generated controllers, samples, tests), is what
/// <c>build.ps1 spec-update</c> reports (SpecUpdateTests) and CONTRIBUTING.md shows.
/// </summary>
public sealed class SpecChangeWalkthroughTests
{
    private static string RepoSpec => File.ReadAllText(Path.Combine(BuildScript.RepoRoot, "openapi", "images.yaml"));

    [Fact]
    public async Task AdditiveChange_QueryParameterAndResponseProperty_ReachThePublicApiWithNoHandEdit()
    {
        string spec = SpecEdits.AddBuildDurationProperty(SpecEdits.AddCreatedAfterParameter(RepoSpec));

        using ScratchClient client = await ScratchClient.BuildAsync(spec);

        // The filter: public, typed from the spec's format, documented with the spec's description.
        Type optionsType = client.Type("ImageListOptions");
        PropertyInfo createdAfter = optionsType.GetProperty("CreatedAfter")!;
        Assert.NotNull(createdAfter);
        Assert.Equal(typeof(DateTimeOffset?), createdAfter.PropertyType);
        Assert.Equal("Only Images created after this time (an ISO 8601 <c>date-time</c>).", client.Summary("P:ImageService.Client.ImageListOptions.CreatedAfter"));

        // The response property: on the public DTO.
        PropertyInfo duration = client.Type("ImageResponseBase").GetProperty("BuildDurationSeconds")!;
        Assert.NotNull(duration);

        // Sent and read over HTTP by the facade's list mapping (ImageListOptions.InvokeAsync, generated).
        using var server = new OneResponseServer("""{"value":[{"id":"img:1","imageFlavor":"WebApiContainer","buildDurationSeconds":42}]}""");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        object rest = Activator.CreateInstance(client.Type("ImageServiceRestClient"), http)!;
        object options = Activator.CreateInstance(optionsType)!;
        createdAfter.SetValue(options, new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        MethodInfo invoke = optionsType.GetMethod("InvokeAsync", BindingFlags.Instance | BindingFlags.NonPublic)!;
        var call = (Task)invoke.Invoke(options, [rest, "sub", "rg", "ws", null, CancellationToken.None])!;
        await call;

        Assert.Contains("createdAfter=2026-03-01T12%3A00%3A00.0000000%2B00%3A00", await server.RequestLine);
        object response = call.GetType().GetProperty("Result")!.GetValue(call)!;
        object page = response.GetType().GetProperty("Result")!.GetValue(response)!;
        object image = ((IEnumerable)page.GetType().GetProperty("Value")!.GetValue(page)!).Cast<object>().Single();
        Assert.Equal(42L, duration.GetValue(image));

        // The gate: nothing breaking, MINOR.
        string before = Path.Combine(Path.GetTempPath(), "imageservice-walkthrough-" + Guid.NewGuid().ToString("N")[..12] + ".yaml");
        string after = Path.ChangeExtension(before, ".after.yaml");
        await File.WriteAllTextAsync(before, RepoSpec);
        await File.WriteAllTextAsync(after, spec);
        try
        {
            BuildScriptResult gate = await BuildScript.RunAsync("spec-diff-files", "-Old", before, "-New", after);
            Assert.True(gate.ExitCode == 0, gate.ToString());
            Assert.Contains("query parameter createdAfter added", gate.Output);
            Assert.Contains("property /schema/properties/buildDurationSeconds added", gate.Output);
            Assert.Contains("the versioning rule asks for: MINOR", gate.Output);
        }
        finally
        {
            File.Delete(before);
            File.Delete(after);
        }
    }

    [Fact]
    public async Task EnumValueAdded_PassesTheGatesAsMinor_WithOpticsVerdictShown()
    {
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        await repo.GitAsync("tag", "-a", "v1.0.0", "-m", "Release 1.0.0");
        repo.Edit("openapi/images.yaml", SpecEdits.AddQueuedState);

        // The documented steps: MINOR in version.props, the change described under it.
        repo.SetVersion("1.1.0");
        repo.AddChangelogSection("1.1.0", "### Added\n\n- `AsyncOperationState.Queued`: the service queues builds before it starts them.");
        BuildScriptResult result = await repo.RunAsync("spec-diff", "api-diff");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Optic: BREAKING [request and response property enums] cannot add enum option 'Queued'", result.Output);
        Assert.Contains("MINOR for this SDK", result.Output);
        Assert.Contains("version.props 1.1.0 is at least 1.1.0 (one MINOR above v1.0.0): allowed.", result.Output);
        Assert.DoesNotContain("breaking spec change", result.Output);
    }

    [Fact]
    public async Task ResponsePropertyRenamed_FailsBothGatesUntilTheDocumentedSteps()
    {
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        await repo.GitAsync("tag", "-a", "v1.0.0", "-m", "Release 1.0.0");
        repo.Edit("openapi/images.yaml", SpecEdits.RenameImageBuildLogUri);

        // What api-baseline writes for the rename: RS0017 removes the old property's lines, RS0016 adds the new one's.
        repo.Edit("src/ImageService.Client/PublicAPI.Unshipped.txt", text => text
            .Replace("ImageService.Client.ImageResponseBase.ImageBuildLogUri.get -> string?", "ImageService.Client.ImageResponseBase.BuildLogUri.get -> string?", StringComparison.Ordinal)
            .Replace("ImageService.Client.ImageResponseBase.ImageBuildLogUri.set -> void", "ImageService.Client.ImageResponseBase.BuildLogUri.set -> void", StringComparison.Ordinal));
        repo.SetVersion("1.1.0");
        repo.AddChangelogSection("1.1.0", "### Changed\n\n- `ImageBuildLogUri` is now `BuildLogUri`.");

        BuildScriptResult failing = await repo.RunAsync("spec-diff");
        Assert.True(failing.ExitCode != 0, failing.ToString());
        Assert.Contains("property /schema/properties/imageBuildLogUri removed", failing.Output);
        Assert.Contains("they need 2.0.0 (one MAJOR above the last release, v1.0.0)", failing.Output);
        BuildScriptResult failingApi = await repo.RunAsync("api-diff");
        Assert.True(failingApi.ExitCode != 0, failingApi.ToString());
        Assert.Contains("removed  ImageBuildLogUri.get -> string?", failingApi.Output);
        Assert.Contains("breaking public API change(s) since the base, but version.props is 1.1.0; they need 2.0.0", failingApi.Output);

        // The documented steps: MAJOR in version.props and the change described under it.
        repo.SetVersion("2.0.0");
        repo.Edit("CHANGELOG.md", text => text.Replace("## [1.1.0] - Unreleased", "## [2.0.0] - Unreleased", StringComparison.Ordinal));
        BuildScriptResult passing = await repo.RunAsync("spec-diff", "api-diff");
        Assert.True(passing.ExitCode == 0, passing.ToString());
        Assert.Contains("version.props 2.0.0 is at least 2.0.0 (one MAJOR above the last release, v1.0.0): allowed.", passing.Output);
    }
}
