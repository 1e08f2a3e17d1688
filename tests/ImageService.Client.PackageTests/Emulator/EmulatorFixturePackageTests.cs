using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using System.Xml.Linq;
using ImageService.Client.PackageTests.TestSupport;

namespace ImageService.Client.PackageTests.Emulator;

/// <summary>
/// The test fixture package as an application's test project gets it: a new xunit project outside the repository,
/// with a package cache of its own, referencing only the packed <c>ImageService.Emulator.Testing</c> (which brings the
/// client and the emulator) and xunit, compiles the TestingWithoutAzure sample's files (the application code and its
/// tests, the README's snippet among them) and passes them with <c>dotnet test</c>.
/// </summary>
[Collection(PackedClientCollection.Name)]
public sealed class EmulatorFixturePackageTests(PackedClient packed) : IAsyncLifetime
{
    private static readonly string s_sample = Path.Combine(Repository.Root, "samples", "TestingWithoutAzure");

    private readonly string _work = Path.Combine(Path.GetTempPath(), "imageservice-fixturepackage-" + Guid.NewGuid().ToString("N")[..8]);

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        return PackedEmulator.EnsurePackedAsync(packed);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_work, recursive: true);
        return Task.CompletedTask;
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
        var versions = XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!);
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
}
