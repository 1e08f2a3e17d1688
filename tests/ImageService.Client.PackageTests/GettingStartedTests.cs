using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.PackageTests.TestSupport;
using ImageService.Emulator;

namespace ImageService.Client.PackageTests;

/// <summary>
/// The packed package's README, followed literally: a new console project, a nuget.config with the packed package's
/// folder as a source, the README's <c>dotnet add package</c> lines, the README's Program.cs copied verbatim, then
/// build and run it against the emulator, and with the mistakes a newcomer makes. The README cannot drift from the
/// package without this failing.
/// </summary>
[Collection(PackedClientCollection.Name)]
public sealed class GettingStartedTests(PackedClient packed, GettingStartedTests.ReadmeApp app) : IClassFixture<GettingStartedTests.ReadmeApp>, IAsyncLifetime
{
    private ImageServiceEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        // The defaults are the standalone emulator's: the token, subscription, resource group and workspace the README's
        // Program.cs uses; only the port differs (a free one, given to the program as its first argument).
        _emulator = await ImageServiceEmulator.StartAsync();
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task ReadmeProgram_InNewConsoleProjectWithPackedPackage_RunsTheLifecycle()
    {
        CliResult run = await app.RunAsync(packed, _emulator.BaseAddress.ToString());

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

    [Fact]
    public async Task ReadmeProgram_HttpEndpointOnAnotherHost_PrintsTheMistakeInOneLineAndFails()
    {
        CliResult run = await app.RunAsync(packed, "http://images.example.test/");

        AssertFailsInOneLine(run, "Invalid input: ImageServiceClientOptions.Endpoint ('http://images.example.test/') must use https; http is allowed only for a loopback host.");
    }

    [Fact]
    public async Task ReadmeProgram_EmulatorsWorkspaceUrlAsEndpoint_PrintsTheEndpointToUseInOneLineAndFails()
    {
        // The standalone emulator prints this URL as "workspace:"; it is the first thing a newcomer pastes.
        CliResult run = await app.RunAsync(packed, _emulator.WorkspaceUri.ToString());

        AssertFailsInOneLine(run, $"use Endpoint '{_emulator.BaseAddress}', with SubscriptionId '{_emulator.SubscriptionId}', ResourceGroup '{_emulator.ResourceGroup}' and Workspace '{_emulator.Workspace}'.");
        Assert.Empty(_emulator.RequestsTo("/images"));
    }

    [Fact]
    public async Task ReadmeProgram_EndpointWithoutScheme_PrintsTheMistakeInOneLineAndFails()
    {
        CliResult run = await app.RunAsync(packed, "127.0.0.1:5080");

        AssertFailsInOneLine(run, "Invalid input: '127.0.0.1:5080' is not an absolute URL such as http://127.0.0.1:5080/.");
    }

    /// <summary>A mistake is one line that names it, a non-zero exit code, and no stack trace.</summary>
    private static void AssertFailsInOneLine(CliResult run, string expected)
    {
        string[] lines = [.. run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        Assert.True(run.ExitCode != 0, $"The README's Program.cs exited with 0:\n{run.Output}");
        Assert.True(lines.Length == 1, $"Expected one line:\n{run.Output}");
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// The new console project of the README's getting started, with the packed package and the packed README's
    /// Program.cs, built once for the tests of the class and run with different arguments.
    /// </summary>
    public sealed class ReadmeApp : IDisposable
    {
        private readonly string _work = Path.Combine(Path.GetTempPath(), "imageservice-gettingstarted-" + Guid.NewGuid().ToString("N")[..8]);
        private readonly SemaphoreSlim _gate = new(1, 1);
        private string? _app;

        // A package cache of its own: ~/.nuget/packages may hold an ImageService.Client of the same version from an
        // earlier pack, and NuGet never looks at a cached version again, so the test would run yesterday's package.
        private Dictionary<string, string> Environment => new() { ["NUGET_PACKAGES"] = Path.Combine(_work, "nuget-packages") };

        internal async Task<CliResult> RunAsync(PackedClient packed, string argument)
        {
            string app = await BuildAsync(packed);
            return await DotnetCli.RunAsync(app, Environment, "run", "--no-build", "--", argument);
        }

        public void Dispose()
        {
            _gate.Dispose();
            if (Directory.Exists(_work))
            {
                Directory.Delete(_work, recursive: true);
            }
        }

        private async Task<string> BuildAsync(PackedClient packed)
        {
            await _gate.WaitAsync();
            try
            {
                return _app ??= await CreateAsync(packed);
            }
            finally
            {
                _gate.Release();
            }
        }

        private async Task<string> CreateAsync(PackedClient packed)
        {
            string readme = packed.Readme();
            string program = ReadmeSections.GettingStartedProgram(readme);
            IReadOnlyList<string> packages = ReadmeSections.GettingStartedPackages(readme);
            Assert.Contains("ImageService.Client", packages);

            Directory.CreateDirectory(_work);
            string app = Path.Combine(_work, "MyImages");
            (await DotnetCli.RunAsync(_work, Environment, "new", "console", "-o", "MyImages")).EnsureSuccess();
            (await DotnetCli.RunAsync(app, Environment, "new", "nugetconfig")).EnsureSuccess();
            (await DotnetCli.RunAsync(app, Environment, "nuget", "add", "source", packed.Folder, "--name", "imageservice-local", "--configfile", "nuget.config")).EnsureSuccess();
            foreach (string package in packages)
            {
                (await DotnetCli.RunAsync(app, Environment, "add", "package", package)).EnsureSuccess();
            }

            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), program);
            (await DotnetCli.RunAsync(app, Environment, "build", "-nologo")).EnsureSuccess();
            return app;
        }
    }
}

/// <summary>The parts of a README that the getting-started test follows.</summary>
internal static partial class ReadmeSections
{
    public static string GettingStartedProgram(string readme)
    {
        Match match = SnippetPattern().Match(readme);
        Assert.True(match.Success, "The README has no <!-- snippet:GettingStarted --> C# block.");
        return match.Groups["code"].Value;
    }

    public static IReadOnlyList<string> GettingStartedPackages(string readme)
    {
        int start = readme.IndexOf("\n## Getting started", StringComparison.Ordinal);
        Assert.True(start >= 0, "The README has no '## Getting started' section.");
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string section = end < 0 ? readme[start..] : readme[start..end];
        return [.. AddPackagePattern().Matches(section).Select(m => m.Groups["id"].Value)];
    }

    [GeneratedRegex(@"<!-- snippet:GettingStarted -->\n```csharp\n(?<code>.*?\n)```\n<!-- /snippet -->", RegexOptions.Singleline)]
    private static partial Regex SnippetPattern();

    [GeneratedRegex(@"^dotnet add package (?<id>\S+)", RegexOptions.Multiline)]
    private static partial Regex AddPackagePattern();
}
