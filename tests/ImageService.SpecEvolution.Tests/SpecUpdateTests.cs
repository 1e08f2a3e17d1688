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
}
