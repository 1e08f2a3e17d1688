using System.Linq;
using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>
/// How <c>build.ps1 spec-update</c> turns a red build into remaining steps, on recorded build output (a new query
/// parameter the emulator does not take, a renamed property the facade, a test and a sample still use). The whole
/// command builds the solution, too slow to run here for every change; CONTRIBUTING.md shows its output.
/// </summary>
public sealed class SpecUpdateTests
{
    [Fact]
    public async Task GetBuildErrors_RedBuildAfterASpecChange_SendsEachErrorToItsAreaOnce()
    {
        string log = BuildScript.Fixture("spec-update", "build-output.txt");
        string command = "$Root = '/repo'; . ./.ci/scripts/SpecUpdate.ps1; " +
            $"foreach ($e in (Get-BuildErrors (Get-Content '{log}'))) {{ \"$($e.Area) | $($e.File) | $($e.Line) | $($e.Code)\" }}";

        BuildScriptResult result = await BuildScript.RunPwshAsync(BuildScript.RepoRoot, command);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            """
            emulator | src/ImageService.Emulator/Api/ImagesApi.cs | 14 | CS0535
            baseline | src/ImageService.Client/obj/Release/net8.0/ImageService.Client.Generators/ImageService.Client.Generators.QueryOptionsGenerator/ImageListOptions.g.cs | 37 | RS0016
            facade | src/ImageService.Client/ImageServiceClient.cs | 587 | CS1061
            facade | src/ImageService.Client/ImageListOptions.cs | 19 | ISG002
            tests | tests/ImageService.Client.Tests/Models/ImageResponseBaseTests.cs | 40 | CS1061
            samples | samples/Quickstart/Program.cs | 120 | CS0117
            """.ReplaceLineEndings(),
            result.Output.Trim().ReplaceLineEndings());
    }

    [Fact]
    public async Task GateFailures_AfterARelease_AreLabelledVersionOrChangelog()
    {
        // Before, every failure whose text named CHANGELOG.md (the version failures say to describe the change there)
        // was labelled [changelog]: "set version.props to 2.0.0" appeared as a CHANGELOG step.
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        string release = await repo.TagReleaseAsync();
        string command = $"$Root = '{repo.Root}'; $Artifacts = Join-Path $Root 'artifacts'; . ./.ci/scripts/SpecEvolution.ps1; . ./.ci/scripts/SpecUpdate.ps1; " +
            "$failures = Test-VersionRule -Gate 'spec' -Breaking 1 -Additive 0 -BaseInfo ([pscustomobject]@{ Ref = $null }) -Current ([version] '" + repo.NextMinor + "'); " +
            "foreach ($f in $failures) { \"$(Get-GateFailureArea $f) | $f\" }";

        BuildScriptResult result = await BuildScript.RunPwshAsync(BuildScript.RepoRoot, command);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Output.Split('\n', System.StringSplitOptions.RemoveEmptyEntries | System.StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("version |", System.StringComparison.Ordinal) || l.StartsWith("changelog |", System.StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"version | 1 breaking spec change(s) since the base, but version.props is {repo.NextMinor}; they need {repo.NextMajor} (one MAJOR above the last release, {release})", lines[0]);
        Assert.StartsWith($"changelog | CHANGELOG.md has no entry for {repo.NextMinor}", lines[1]);
    }

    [Fact]
    public async Task GetBuildErrors_NSwagFailure_PointsAtTheSpecStep()
    {
        string log = System.IO.Path.GetTempFileName();
        await System.IO.File.WriteAllTextAsync(log,
            "/repo/src/ImageService.Client/ImageService.Client.csproj(74,5): error MSB3073: The command \"dotnet nswag.dll run nswag.json\" exited with code 255. [/repo/src/ImageService.Client/ImageService.Client.csproj::TargetFramework=net10.0]\n");
        try
        {
            string command = "$Root = '/repo'; . ./.ci/scripts/SpecUpdate.ps1; " +
                $"foreach ($e in (Get-BuildErrors (Get-Content '{log}'))) {{ \"$($e.Area) | $($e.Code) | $($e.Hint)\" }}";

            BuildScriptResult result = await BuildScript.RunPwshAsync(BuildScript.RepoRoot, command);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.StartsWith("spec | MSB3073 | NSwag could not generate code from the spec: the [spec] step (Spectral) says why", result.Output.Trim());
        }
        finally
        {
            System.IO.File.Delete(log);
        }
    }

    [Fact]
    public async Task RequiredPropertySteps_NewRequiredRequestProperty_NameEachPlaceThatBuildsARequestWithoutIt()
    {
        // A sample that sets it, a sample and a test that do not (one target-typed), and the request's own documentation.
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        repo.Write("samples/Sets/Program.cs", "var r = new DockerImageRequest { Name = \"a\", EnvironmentName = \"prod\" };\n");
        repo.Write("samples/Misses/Program.cs", "// a sample\nvar r = new DockerImageRequest\n{\n    Name = \"a\",\n};\n");
        repo.Write("tests/Some.Tests/T.cs", "class T\n{\n    static DockerImageRequest Request() => new()\n    {\n        Name = \"a\",\n    };\n}\n");
        repo.Write("src/ImageService.Client/Customizations/DockerImageRequest.cs", "/// Set at least Name.\npublic partial class DockerImageRequest { }\n");
        await repo.CommitAllAsync("Places that build requests");
        string command = $"$Root = '{repo.Root}'; . ./.ci/scripts/SpecEvolution.ps1; . ./.ci/scripts/SpecUpdate.ps1; " +
            "$required = [pscustomobject]@{ schema = 'DockerImageRequest'; property = 'environmentName'; type = 'DockerImageRequest'; member = 'EnvironmentName' }; " +
            "foreach ($step in (Get-RequiredPropertySteps @($required))) { \"[$($step.Area)] $($step.Text)\" }";

        BuildScriptResult result = await BuildScript.RunPwshAsync(BuildScript.RepoRoot, command);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] steps = result.Output.Split('\n', System.StringSplitOptions.RemoveEmptyEntries | System.StringSplitOptions.TrimEntries).Where(l => l.StartsWith('[')).ToArray();
        Assert.True(steps.Length == 3, result.ToString());
        Assert.StartsWith("[samples] samples/Misses/Program.cs(2) builds a DockerImageRequest without EnvironmentName, which openapi/images.yaml now requires ('environmentName')", steps[0]);
        Assert.Contains("build.ps1 snippets", steps[0]);
        Assert.StartsWith("[tests] tests/Some.Tests/T.cs(3) builds a DockerImageRequest without EnvironmentName", steps[1]);
        Assert.StartsWith("[facade] src/ImageService.Client/Customizations/DockerImageRequest.cs documents how to build a DockerImageRequest and does not name EnvironmentName", steps[2]);
    }
}
