using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;

namespace ImageService.SpecEvolution.Tests;

/// <summary>
/// .ci/scripts/TestRun.ps1, which runs the test projects for <c>build.ps1 test</c> and spec-update, on a scratch xunit
/// project outside the repository: one test passes, one fails, one outlasts the heartbeat (set to 1 s here, 30 s in the
/// scripts), so that each kind of line the contributor relies on is seen.
/// </summary>
public sealed class TestRunTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("imageservice-testrun-").FullName;

    [Fact]
    public async Task InvokeTestProjects_PassingFailingAndLongTests_ReportsStartProgressFailureAndFinish()
    {
        string project = Path.Combine(_work, "Scratch.Tests");
        Directory.CreateDirectory(project);
        var versions = XDocument.Load(Path.Combine(BuildScript.RepoRoot, "Directory.Packages.props")).Descendants("PackageVersion")
            .GroupBy(p => (string)p.Attribute("Include")!).ToDictionary(g => g.Key, g => (string)g.First().Attribute("Version")!);
        string Reference(string id) => $"""    <PackageReference Include="{id}" Version="{versions[id]}" />""";
        File.WriteAllText(Path.Combine(project, "Scratch.Tests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <IsTestProject>true</IsTestProject>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
            {Reference("Microsoft.NET.Test.Sdk")}
            {Reference("xunit")}
            {Reference("xunit.runner.visualstudio")}
              </ItemGroup>
            </Project>
            """);
        // The long test outlasts many 1 s heartbeats, so that the line naming it is not a race even on a loaded machine.
        File.WriteAllText(Path.Combine(project, "ScratchTests.cs"), """
            using System;
            using System.Threading.Tasks;
            using Xunit;

            public class ScratchTests
            {
                [Fact] public void Passes() => Assert.True(true);
                [Fact] public void Fails() => Assert.Equal("expected", "actual");
                [Fact] public async Task Long() => await Task.Delay(TimeSpan.FromSeconds(10));
            }
            """);
        string scripts = Path.Combine(BuildScript.RepoRoot, ".ci", "scripts", "TestRun.ps1");
        // pwsh is the repository's local tool, so it starts in the repository; the scratch project is built and run
        // where it is.
        string command = $$"""
            Set-Location '{{_work}}'
            $env:MSBUILDDISABLENODEREUSE = '1'; $env:UseSharedCompilation = 'false'; $env:DOTNET_CLI_USE_MSBUILD_SERVER = '0'
            & dotnet build Scratch.Tests -c Release -nologo -v:quiet | Out-Host
            if ($LASTEXITCODE -ne 0) { throw 'the scratch project does not build' }
            $Root = '{{_work}}'; $Solution = ''; $Configuration = 'Release'
            . '{{scripts}}'
            $TestHeartbeatSeconds = 1
            $results = Invoke-TestProjects @([pscustomobject]@{ Project = 'Scratch.Tests/Scratch.Tests.csproj' }) (Join-Path $Root 'results') (Join-Path $Root 'times.json')
            "RESULT exit=$($results[0].ExitCode) passed=$($results[0].Passed) failed=$($results[0].Failed) first=$($results[0].FailedTests[0].Name)"
            "TIMES $(Get-Content (Join-Path $Root 'times.json') -Raw | ConvertFrom-Json | ForEach-Object { $_.'Scratch.Tests' })"
            """;

        BuildScriptResult run = await BuildScript.RunPwshAsync(BuildScript.RepoRoot, command);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("[Scratch.Tests] started", run.Output);
        Assert.Matches(new Regex(@"^\s+\[Scratch\.Tests\] [\dm.]+s: \d/3 tests done, \d failed; running: ScratchTests\.Long \(over ", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^\s+\[Scratch\.Tests\] Failed ScratchTests\.Fails", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^\s+\[Scratch\.Tests\]\s+Assert\.Equal\(\) Failure", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"^\s+\[Scratch\.Tests\] finished: 2 passed, 1 failed, 0 skipped in [\dm.]+s", RegexOptions.Multiline), run.Output);
        Assert.Contains("RESULT exit=1 passed=2 failed=1 first=ScratchTests.Fails", run.Output);
        Assert.Matches(new Regex(@"^TIMES \d+(\.\d+)?\s*$", RegexOptions.Multiline), run.Output);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A test host still closing its files: the temp folder is the OS's to clean.
        }
    }
}
