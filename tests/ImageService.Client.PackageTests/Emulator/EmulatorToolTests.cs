using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.PackageTests.TestSupport;

namespace ImageService.Client.PackageTests.Emulator;

/// <summary>
/// The emulator as a user without a clone gets it: <c>dotnet tool install</c> from the packed folder (with a package
/// cache of its own), the <c>imageservice-emulator</c> command started as a process, and the README's getting-started
/// program, built against the packed client in a new project, run against what the command printed.
/// </summary>
[Collection(PackedClientCollection.Name)]
public sealed partial class EmulatorToolTests(PackedClient packed) : IAsyncLifetime
{
    /// <summary>A guard against a hang, not a speed limit (a cold .NET tool start on a loaded machine takes seconds).</summary>
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromMinutes(5);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "imageservice-emulatortool-" + Guid.NewGuid().ToString("N")[..8]);

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
