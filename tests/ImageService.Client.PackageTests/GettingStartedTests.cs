using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ImageService.Client.PackageTests.TestSupport;
using ImageService.Emulator;

namespace ImageService.Client.PackageTests;

/// <summary>
/// The README's getting started, followed literally: a new console project, a nuget.config with the packed package's
/// folder as a source, the README's <c>dotnet add package</c> lines, the README's Program.cs copied verbatim, then
/// build and run against the emulator. The README cannot drift from the package without this failing.
/// </summary>
[Collection(PackedClientCollection.Name)]
public sealed class GettingStartedTests(PackedClient packed) : IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "imageservice-gettingstarted-" + Guid.NewGuid().ToString("N")[..8]);
    private ImageServiceEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        // The defaults are the standalone emulator's: the token, subscription, resource group and workspace the README's
        // Program.cs uses; only the port differs (a free one, given to the program as its first argument).
        _emulator = await ImageServiceEmulator.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task ReadmeProgram_InNewConsoleProjectWithPackedPackage_RunsTheLifecycle()
    {
        string readme = await File.ReadAllTextAsync(Repository.Readme);
        string program = ReadmeSections.GettingStartedProgram(readme);
        IReadOnlyList<string> packages = ReadmeSections.GettingStartedPackages(readme);
        Assert.Contains("ImageService.Client", packages);

        string app = Path.Combine(_work, "MyImages");
        // A package cache of its own: ~/.nuget/packages may hold an ImageService.Client 1.0.0 from an earlier pack, and
        // NuGet never looks at a cached version again, so the test would run yesterday's package.
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "nuget-packages") };

        (await DotnetCli.RunAsync(_work, environment, "new", "console", "-o", "MyImages")).EnsureSuccess();
        (await DotnetCli.RunAsync(app, environment, "new", "nugetconfig")).EnsureSuccess();
        (await DotnetCli.RunAsync(app, environment, "nuget", "add", "source", packed.Folder, "--name", "imageservice-local", "--configfile", "nuget.config")).EnsureSuccess();
        foreach (string package in packages)
        {
            (await DotnetCli.RunAsync(app, environment, "add", "package", package)).EnsureSuccess();
        }

        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), program);
        (await DotnetCli.RunAsync(app, environment, "build", "-nologo")).EnsureSuccess();
        CliResult run = await DotnetCli.RunAsync(app, environment, "run", "--no-build", "--", _emulator.BaseAddress.ToString());

        Assert.True(run.ExitCode == 0, $"The README's Program.cs exited with {run.ExitCode}:\n{run.Output}");
        string id = Regex.Match(run.Output, @"^create: (getting-started:\d+) Succeeded$", RegexOptions.Multiline).Groups[1].Value;
        Assert.True(id.Length > 0, $"No build reported:\n{run.Output}");
        string[] expected =
        [
            "create: operation ",
            $"create: {id} Succeeded",
            $"list: {id} tagged team=forecasting",
            $"update: {id} tagged stage=approved, team=forecasting",
            $"get: {id} is a WebApiContainer image at ",
            $"delete: {id} deleted",
        ];
        string[] missing = [.. expected.Where(line => !run.Output.Contains(line, StringComparison.Ordinal))];
        Assert.True(missing.Length == 0, $"The README's Program.cs did not print {string.Join(" | ", missing)}:\n{run.Output}");
        Assert.Null(_emulator.GetImage(id));
        Assert.Single(_emulator.RequestsTo("/images"), r => r.Method == "POST");
    }
}

/// <summary>The parts of README.md that the getting-started test follows.</summary>
internal static partial class ReadmeSections
{
    public static string GettingStartedProgram(string readme)
    {
        Match match = SnippetPattern().Match(readme);
        Assert.True(match.Success, "README.md has no <!-- snippet:GettingStarted --> C# block.");
        return match.Groups["code"].Value;
    }

    public static IReadOnlyList<string> GettingStartedPackages(string readme)
    {
        int start = readme.IndexOf("\n## Getting started", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Getting started' section.");
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string section = end < 0 ? readme[start..] : readme[start..end];
        return [.. AddPackagePattern().Matches(section).Select(m => m.Groups["id"].Value)];
    }

    [GeneratedRegex(@"<!-- snippet:GettingStarted -->\n```csharp\n(?<code>.*?\n)```\n<!-- /snippet -->", RegexOptions.Singleline)]
    private static partial Regex SnippetPattern();

    [GeneratedRegex(@"^dotnet add package (?<id>\S+)", RegexOptions.Multiline)]
    private static partial Regex AddPackagePattern();
}
