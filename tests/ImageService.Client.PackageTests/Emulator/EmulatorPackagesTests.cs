using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using ImageService.Client.PackageTests.TestSupport;

namespace ImageService.Client.PackageTests.Emulator;

/// <summary>
/// The emulator's packages as a user without a clone gets them, from the packed folder into new projects outside the
/// repository, each with a package cache of its own:
/// <list type="bullet">
/// <item>the .NET tool: <c>dotnet tool install</c>, the <c>imageservice-emulator</c> command started as a process, and
/// the README's getting-started program, built against the packed client, run against what the command printed;</item>
/// <item>the test fixture: a new xunit project referencing only the packed <c>ImageService.Emulator.Testing</c> (which
/// brings the client and the emulator) and xunit compiles the TestingWithoutAzure sample's files (the application code
/// and its tests, the README's snippet among them) and passes them with <c>dotnet test</c>.</item>
/// </list>
/// </summary>
[Collection(PackedClientCollection.Name)]
public sealed partial class EmulatorPackagesTests(PackedClient packed) : IAsyncLifetime
{
    /// <summary>A guard against a hang, not a speed limit (a cold .NET tool start on a loaded machine takes seconds).</summary>
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromMinutes(5);

    private static readonly string s_sample = Path.Combine(Repository.Root, "samples", "TestingWithoutAzure");

    private readonly string _work = Path.Combine(Path.GetTempPath(), "imageservice-emulatorpackages-" + Guid.NewGuid().ToString("N")[..8]);

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        PackedEmulator.AssertPacked(packed);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task InstalledTool_Started_RunsTheReadmeGettingStartedProgram()
    {
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "nuget-packages") };
        string tools = Path.Combine(_work, "tools");
        (await DotnetCli.RunAsync(_work, environment, "tool", "install", "--tool-path", tools, "--add-source", packed.Folder,
            PackedEmulator.ToolPackage, "--version", PackedEmulator.Version(packed, PackedEmulator.ToolPackage))).EnsureSuccess();

        using var tool = StartTool(Path.Combine(tools, "imageservice-emulator"), "--urls", "http://127.0.0.1:0", "--build-step-ms", "50");
        try
        {
            string banner = await ReadBannerAsync(tool);
            Uri endpoint = new(EndpointLine().Match(banner).Groups["url"].Value);
            Assert.True(endpoint.IsLoopback && endpoint.Port > 0, banner);
            Assert.Contains("workspace:       emulator-ws", banner, StringComparison.Ordinal);
            Assert.Contains("token:           emulator-token", banner, StringComparison.Ordinal);
            Assert.Contains($"IMAGESERVICE_ENDPOINT={endpoint}", banner, StringComparison.Ordinal);

            string app = await ReadmeProgram.CreateAsync(_work, packed.Folder, environment);
            CliResult run = await DotnetCli.RunAsync(app, environment, "run", "--no-build", "--", endpoint.ToString());

            Assert.True(run.ExitCode == 0, $"The README's Program.cs exited with {run.ExitCode}:\n{run.Output}");
            Assert.Matches(@"(?m)^create: getting-started:\d+ Succeeded$", run.Output);
            Assert.Matches(@"(?m)^delete: getting-started:\d+ deleted$", run.Output);
        }
        finally
        {
            tool.Kill(entireProcessTree: true);
            await tool.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task SampleTests_InNewXunitProjectWithPackedFixture_Pass()
    {
        string project = Path.Combine(_work, "MyApp.Tests");
        Directory.CreateDirectory(project);
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "nuget-packages") };
        await File.WriteAllTextAsync(Path.Combine(project, "MyApp.Tests.csproj"), ProjectFile());
        (await DotnetCli.RunAsync(project, environment, "new", "nugetconfig")).EnsureSuccess();
        (await DotnetCli.RunAsync(project, environment, "nuget", "add", "source", packed.Folder, "--name", "imageservice-local", "--configfile", "nuget.config")).EnsureSuccess();
        string[] sources = Directory.GetFiles(s_sample, "*.cs");
        Assert.Contains(sources, f => File.ReadAllText(f).Contains("#region Snippet:TestingWithoutAzure", StringComparison.Ordinal));
        foreach (string source in sources)
        {
            File.Copy(source, Path.Combine(project, Path.GetFileName(source)));
        }

        CliResult test = await DotnetCli.RunAsync(project, environment, "test", "--nologo", "--logger", "console;verbosity=normal");

        Assert.True(test.ExitCode == 0, $"dotnet test exited with {test.ExitCode}:\n{test.Output}");
        Assert.Contains("DeleteFailedBuilds_ThroughAnOutage_DeletesOnlyTheFailedImage", test.Output, StringComparison.Ordinal);
        Assert.Matches(@"Passed:\s+2\b", test.Output);
        Assert.DoesNotMatch(@"Failed:\s+[1-9]", test.Output);
    }

    /// <summary>
    /// A test project as a user writes one: the fixture package and xunit, at the versions this repository builds with
    /// (read from Directory.Packages.props, so that the feed serves them). No project reference, no repository props.
    /// </summary>
    private string ProjectFile()
    {
        // The test packages are declared once; the SDK's own dependencies may be declared once per target framework.
        var versions = XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .GroupBy(p => (string)p.Attribute("Include")!)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => (string)g.Single().Attribute("Version")!);
        string Reference(string id, string version) => $"""    <PackageReference Include="{id}" Version="{version}" />""";
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <IsPackable>false</IsPackable>
              </PropertyGroup>
              <ItemGroup>
            {Reference(PackedEmulator.FixturePackage, PackedEmulator.Version(packed, PackedEmulator.FixturePackage))}
            {Reference("Microsoft.NET.Test.Sdk", versions["Microsoft.NET.Test.Sdk"])}
            {Reference("xunit", versions["xunit"])}
            {Reference("xunit.runner.visualstudio", versions["xunit.runner.visualstudio"])}
              </ItemGroup>
            </Project>
            """;
    }

    private static Process StartTool(string command, params string[] arguments)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // As a user's shell runs it: nothing inherited from the test host's MSBuild or VSTest.
        foreach (string name in new List<string>(info.Environment.Keys))
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(name);
            }
        }

        return Process.Start(info)!;
    }

    /// <summary>The lines the tool prints at start, up to its last (the quickstart's options); stderr too if it fails.</summary>
    private static async Task<string> ReadBannerAsync(Process tool)
    {
        using var hang = new CancellationTokenSource(s_hangGuard);
        var banner = new List<string>();
        while (await tool.StandardOutput.ReadLineAsync(hang.Token) is { } line)
        {
            banner.Add(line);
            if (line.TrimStart().StartsWith("or options:", StringComparison.Ordinal))
            {
                return string.Join('\n', banner);
            }
        }

        throw new InvalidOperationException($"imageservice-emulator ended without printing its endpoint:\n{string.Join('\n', banner)}\n{await tool.StandardError.ReadToEndAsync(hang.Token)}");
    }

    [GeneratedRegex(@"(?m)^\s*endpoint:\s+(?<url>\S+)\s*$")]
    private static partial Regex EndpointLine();
}
