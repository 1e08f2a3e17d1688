using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>
/// The worked example of "When the spec changes" (README.md): each fixture pair goes through the classifier that
/// <c>build.ps1 spec-diff</c> uses (Optic's breaking-changes ruleset, offline), via <c>build.ps1 spec-diff-files</c>.
/// </summary>
public sealed class SpecDiffTests
{
    [Fact]
    public async Task ResponsePropertyAdded_IsNotBreaking()
    {
        var result = await DiffAsync("response-property-added");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Spec changes: 0 breaking, 1 non-breaking", result.Output);
        Assert.Contains("non-breaking  GET /images > response 200 > body application/json > property /schema/properties/buildDurationSeconds added", result.Output);
    }

    [Fact]
    public async Task ResponsePropertyRemoved_IsBreaking_AndNamesTheProperty()
    {
        var result = await DiffAsync("response-property-removed");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("Spec changes: 1 breaking, 0 non-breaking", result.Output);
        Assert.Contains("BREAKING      GET /images > response 200 > body application/json > property /schema/properties/imageBuildLogUri removed", result.Output);
        Assert.Contains("[prevent removing response property] cannot remove response property 'imageBuildLogUri'", result.Output);
        Assert.Contains("spec-diff-files: 1 breaking change(s).", result.Output);
    }

    internal static Task<BuildScriptResult> DiffAsync(string fixture) =>
        BuildScript.RunAsync("spec-diff-files",
            "-Old", BuildScript.Fixture(fixture, "before.yaml"),
            "-New", BuildScript.Fixture(fixture, "after.yaml"));
}

/// <summary>More fixture pairs; a second class so that xunit runs the two halves in parallel.</summary>
public sealed class SpecDiffContractTests
{
    [Fact]
    public async Task ResponseEnumValueAdded_IsMinorForThisSdk_WithOpticsVerdictShown()
    {
        // Optic's breaking-changes ruleset treats a new enum value in a response as breaking (a strict client may reject
        // it). This SDK's enums are extensible structs that keep and write back values they do not know, so for its
        // users the change is additive: MINOR. Optic's verdict stays in the report, next to the SDK's.
        var result = await DiffAsync("response-enum-value-added");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Spec changes: 0 breaking, 1 non-breaking (1 of them an added enum value that Optic calls breaking: MINOR for this SDK)", result.Output);
        Assert.Contains("non-breaking  GET /images > response 200 > body application/json > property /schema/properties/creationState changed", result.Output);
        Assert.Contains("Optic: BREAKING [request and response property enums] cannot add enum option 'Canceled' from 'creationState' property", result.Output);
        Assert.Contains("the versioning rule asks for: MINOR", result.Output);
    }

    [Fact]
    public async Task ResponsePropertyMadeNullable_IsMinorForThisSdk_WithOpticsVerdictShown()
    {
        // Optic calls a response property that may now be null "expanded": breaking for a strict client. This SDK reads
        // null into every optional property and never sends null, so for its users the change is additive: MINOR.
        var result = await DiffAsync("response-property-made-nullable");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Spec changes: 0 breaking, 1 non-breaking (1 of them about null alone, which Optic calls breaking: MINOR for this SDK)", result.Output);
        Assert.Contains("non-breaking  GET /images > response 200 > body application/json > property /schema/properties/imageBuildLogUri changed", result.Output);
        Assert.Contains("Optic: BREAKING [prevent response property type changes]", result.Output);
    }

    [Fact]
    public async Task QueryParameterMadeRequired_IsBreaking()
    {
        var result = await DiffAsync("query-parameter-made-required");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("Spec changes: 1 breaking, 0 non-breaking", result.Output);
        Assert.Contains("BREAKING      GET /images > query parameter name > /required changed", result.Output);
        Assert.Contains("cannot make optional query parameter 'name' required", result.Output);
    }

    private static Task<BuildScriptResult> DiffAsync(string fixture) => SpecDiffTests.DiffAsync(fixture);
}

/// <summary>
/// Changes the gate must call breaking whatever the spec's own version says, each with the reason: Optic's ruleset
/// switches itself off when info.version changes major unless optic.yml says otherwise, and it sees neither a type
/// change of an array's items nor a format change (optic.yml's SDK rules do).
/// </summary>
public sealed class SpecDiffBreakingChangeTests
{
    [Theory]
    [InlineData("operation-removed-with-major-spec-version", "Spec changes: 1 breaking, 0 non-breaking", new[]
    {
        "BREAKING      DELETE …/{id} > operation removed",
        "[prevent operation removal] cannot remove an operation",
        "breaking: the SDK method that calls it goes away",
        "/info/version changed",
    })]
    [InlineData("base-path-moved-with-major-spec-version", "Spec changes: 2 breaking, 2 non-breaking", new[]
    {
        "BREAKING      DELETE /modelmanagement/v1.0/workspaces/{workspace}/images/{id} > operation removed",
        "breaking: moved to /v2.0/workspaces/{workspace}/images/{id}: its base path (or the api-version in it) changed from '/modelmanagement/v1.0' to '/v2.0'",
        "non-breaking  GET /v2.0/workspaces/{workspace}/images/{id} > operation added",
        "the new address of GET /modelmanagement/v1.0/workspaces/{workspace}/images/{id}",
    })]
    [InlineData("response-array-items-type-changed", "Spec changes: 1 breaking, 0 non-breaking", new[]
    {
        "BREAKING      GET /images > response 200 > body application/json > property /schema/properties/modelIds changed",
        "the type of the items of response property 'modelIds' changed from string to object",
    })]
    [InlineData("request-property-type-changed", "Spec changes: 1 breaking, 0 non-breaking", new[]
    {
        "BREAKING      POST /images > request > body application/json > property /schema/properties/builtAfter changed",
        "the type of request property 'builtAfter' changed from string to string (date-time)",
    })]
    public async Task Fixture_SpecVersionBumpedOrTypeChanged_IsBreakingWithTheReason(string fixture, string summary, string[] reported)
    {
        var result = await SpecDiffTests.DiffAsync(fixture);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains(summary, result.Output);
        Assert.All(reported, line => Assert.Contains(line, result.Output));
        Assert.Contains("the versioning rule asks for: MAJOR", result.Output);
    }
}
