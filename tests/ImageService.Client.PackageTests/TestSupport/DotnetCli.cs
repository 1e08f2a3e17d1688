using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Client.PackageTests.TestSupport;

/// <summary>Runs the <c>dotnet</c> CLI (or another program, such as git) as a user would, in a directory of the test's choosing.</summary>
internal static class DotnetCli
{
    /// <summary>
    /// A guard against a hung process, not a speed limit: on a loaded 2-core machine a cold restore or build of a new
    /// project takes a minute or more, so a command that has not finished after ten has hung.
    /// </summary>
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromMinutes(10);

    public static Task<CliResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        RunProgramAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet", workingDirectory, environment, arguments);

    /// <summary>Runs <c>dotnet pwsh -File build.ps1</c> with <paramref name="arguments"/> from the repository root, as CI does.</summary>
    public static Task<CliResult> RunBuildScriptAsync(params string[] arguments) =>
        RunAsync(Repository.Root, new Dictionary<string, string> { ["NO_COLOR"] = "1" }, ["pwsh", "-NoProfile", "-NonInteractive", "-File", Repository.BuildScript, .. arguments]);

    public static async Task<CliResult> RunProgramAsync(string program, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The test host may inherit MSBuild's variables from `dotnet test`; a user's shell has none of them.
        foreach (string name in new List<string>(startInfo.Environment.Keys))
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(name);
            }
        }

        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // Leave no build server or MSBuild node running after the test.
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        startInfo.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        startInfo.Environment["UseSharedCompilation"] = "false";
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        var gate = new object();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (gate)
            {
                output.AppendLine(e.Data);
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var hang = new CancellationTokenSource(s_hangGuard);
        try
        {
            await process.WaitForExitAsync(hang.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} still ran after {s_hangGuard.TotalMinutes} minutes (hung):\n{output}");
        }

        lock (gate)
        {
            return new CliResult($"{System.IO.Path.GetFileName(program)} {string.Join(' ', arguments)}", process.ExitCode, output.ToString());
        }
    }
}

internal sealed record CliResult(string Command, int ExitCode, string Output)
{
    public CliResult EnsureSuccess() =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"{Command} exited with {ExitCode}:\n{Output}");

    public override string ToString() => $"{Command}: exit code {ExitCode}\n{Output}";
}
