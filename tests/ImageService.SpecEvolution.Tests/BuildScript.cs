using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>Runs <c>dotnet pwsh ./build.ps1 &lt;target&gt; ...</c> from the repository root, as CI does.</summary>
internal static class BuildScript
{
    /// <summary>
    /// A bound against a hung pwsh, npx or node, never a speed check: on a loaded 2-core CI machine a target that restores
    /// node_modules (npm ci) and runs Optic has taken minutes, so the bound is far above any run seen, and a run that
    /// reaches it is a hang.
    /// </summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    /// <summary>The folder containing Client.sln, found by walking up from the test assembly.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Fixture(params string[] parts) =>
        Path.Combine([RepoRoot, "tests", "ImageService.SpecEvolution.Tests", "Fixtures", .. parts]);

    public static Task<BuildScriptResult> RunAsync(params string[] arguments) => RunInAsync(RepoRoot, arguments);

    /// <summary>Runs the build.ps1 of another checkout (a scratch repository) from its root.</summary>
    public static Task<BuildScriptResult> RunInAsync(string root, params string[] arguments) =>
        RunPwshCoreAsync(root, ["-File", Path.Combine(root, "build.ps1"), .. arguments], "build.ps1 " + string.Join(' ', arguments));

    /// <summary>Runs a PowerShell command line (the local tool, as build.ps1 runs) in a folder.</summary>
    public static Task<BuildScriptResult> RunPwshAsync(string root, string command) =>
        RunPwshCoreAsync(root, ["-Command", command], command);

    private static async Task<BuildScriptResult> RunPwshCoreAsync(string root, string[] arguments, string what)
    {
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["pwsh", "-NoProfile", "-NonInteractive", .. arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment["NO_COLOR"] = "1";
        startInfo.Environment["NO_UPDATE_NOTIFIER"] = "1";
        startInfo.Environment["OPTIC_TELEMETRY_LEVEL"] = "off";

        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        var gate = new object();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (gate) output.AppendLine(e.Data);
        }
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Never leave pwsh, npx or node behind.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{what} did not finish within {Timeout}:\n{output}");
        }
        lock (gate) return new BuildScriptResult(process.ExitCode, output.ToString());
    }

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Client.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No Client.sln above {AppContext.BaseDirectory}.");
    }
}

internal sealed record BuildScriptResult(int ExitCode, string Output)
{
    public override string ToString() => $"exit code {ExitCode}\n{Output}";
}
