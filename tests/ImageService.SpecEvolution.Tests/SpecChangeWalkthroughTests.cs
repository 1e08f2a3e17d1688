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
/// as it is, so they follow the spec; every name they add is one the spec does not have yet, and every version is
/// derived from the copy's version.props. What each covers:
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
        SpecEdit parameter = SpecEdits.AddCreatedAfterParameter(RepoSpec);
        SpecEdit property = SpecEdits.AddBuildDurationProperty(parameter.Spec);
        string spec = property.Spec;

        using ScratchClient client = await ScratchClient.BuildAsync(spec);

        // The filter: public, typed from the spec's format, documented with the spec's description.
        Type optionsType = client.Type("ImageListOptions");
        PropertyInfo createdAfter = optionsType.GetProperty(parameter.Member)!;
        Assert.NotNull(createdAfter);
        Assert.Equal(typeof(DateTimeOffset?), createdAfter.PropertyType);
        Assert.Equal("Only Images created after this time (an ISO 8601 <c>date-time</c>).", client.Summary("P:ImageService.Client.ImageListOptions." + parameter.Member));

        // The response property: on the public DTO.
        PropertyInfo duration = client.Type("ImageResponseBase").GetProperty(property.Member)!;
        Assert.NotNull(duration);

        // Sent and read over HTTP by the facade's list mapping (ImageListOptions.InvokeAsync, generated).
        using var server = new OneResponseServer($$"""{"value":[{"id":"img:1","imageFlavor":"WebApiContainer","{{property.Name}}":42}]}""");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        object rest = Activator.CreateInstance(client.Type("ImageServiceRestClient"), http)!;
        object options = Activator.CreateInstance(optionsType)!;
        createdAfter.SetValue(options, new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        MethodInfo invoke = optionsType.GetMethod("InvokeAsync", BindingFlags.Instance | BindingFlags.NonPublic)!;
        var call = (Task)invoke.Invoke(options, [rest, "sub", "rg", "ws", null, CancellationToken.None])!;
        await call;

        Assert.Contains(parameter.Name + "=2026-03-01T12%3A00%3A00.0000000%2B00%3A00", await server.RequestLine);
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
            Assert.Contains($"query parameter {parameter.Name} added", gate.Output);
            Assert.Contains($"property /schema/properties/{property.Name} added", gate.Output);
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
        string release = await repo.TagReleaseAsync();
        SpecEdit value = repo.EditSpec(SpecEdits.AddQueuedState);

        // The documented steps: MINOR in version.props, the change described under it.
        string minor = repo.NextMinor;
        repo.SetVersion(minor);
        repo.AddChangelogSection(minor, $"### Added\n\n- `AsyncOperationState.{value.Member}`: the service queues builds before it starts them.");
        BuildScriptResult result = await repo.RunAsync("spec-diff", "api-diff");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Optic: BREAKING [request and response property enums] cannot add enum option '{value.Name}'", result.Output);
        Assert.Contains("MINOR for this SDK", result.Output);
        Assert.Contains($"version.props {minor} is at least {minor} (one MINOR above {release}): allowed.", result.Output);
        Assert.DoesNotContain("breaking spec change", result.Output);
    }

    [Fact]
    public async Task ResponsePropertyRenamed_FailsBothGatesUntilTheDocumentedSteps()
    {
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        string release = await repo.TagReleaseAsync();
        string oldName = string.Empty;
        SpecEdit renamed = repo.EditSpec(spec => SpecEdits.RenameBuildLogUri(spec, out oldName));
        string oldMember = char.ToUpperInvariant(oldName[0]) + oldName[1..];

        // What api-baseline writes for the rename: RS0017 removes the old property's lines (marks them *REMOVED* when
        // they shipped), RS0016 adds the new one's.
        foreach (string accessor in new[] { "get -> string?", "set -> void" })
        {
            string before = $"ImageService.Client.ImageResponseBase.{oldMember}.{accessor}";
            string after = $"ImageService.Client.ImageResponseBase.{renamed.Member}.{accessor}";
            repo.Edit("src/ImageService.Client/PublicAPI.Unshipped.txt", text => text.Contains(before, StringComparison.Ordinal)
                ? text.Replace(before, after, StringComparison.Ordinal)
                : text + $"*REMOVED*{before}\n{after}\n");
        }

        string minor = repo.NextMinor, major = repo.NextMajor;
        repo.SetVersion(minor);
        repo.AddChangelogSection(minor, $"### Changed\n\n- `{oldMember}` is now `{renamed.Member}`.");

        BuildScriptResult failing = await repo.RunAsync("spec-diff");
        Assert.True(failing.ExitCode != 0, failing.ToString());
        Assert.Contains($"property /schema/properties/{oldName} removed", failing.Output);
        Assert.Contains($"they need {major} (one MAJOR above the last release, {release})", failing.Output);
        BuildScriptResult failingApi = await repo.RunAsync("api-diff");
        Assert.True(failingApi.ExitCode != 0, failingApi.ToString());
        Assert.Contains($"removed  {oldMember}.get -> string?", failingApi.Output);
        Assert.Contains($"breaking public API change(s) since the base, but version.props is {minor}; they need {major}", failingApi.Output);

        // The documented steps: MAJOR in version.props and the change described under it.
        repo.SetVersion(major);
        repo.Edit("CHANGELOG.md", text => text.Replace($"## [{minor}] - Unreleased", $"## [{major}] - Unreleased", StringComparison.Ordinal));
        BuildScriptResult passing = await repo.RunAsync("spec-diff", "api-diff");
        Assert.True(passing.ExitCode == 0, passing.ToString());
        Assert.Contains($"version.props {major} is at least {major} (one MAJOR above the last release, {release}): allowed.", passing.Output);
    }
}
