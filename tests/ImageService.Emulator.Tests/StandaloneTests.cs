using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests;

/// <summary>
/// The standalone emulator as a user runs it (the built program as a child process): a problem at start-up is one line
/// on stderr that says what to do, a non-zero exit code, and no stack trace.
/// </summary>
public sealed class StandaloneTests : IDisposable
{
    // Generous: a child .NET process starts in about a second here, far slower when the machine is loaded. Only a hang fails.
    private static readonly TimeSpan s_hangBound = TimeSpan.FromMinutes(3);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"emulator-standalone-{Guid.NewGuid():N}");

    public StandaloneTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Start_PortInUse_OneLineSayingWhatToDoAndExitCode1()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var run = await RunAsync("--urls", $"http://127.0.0.1:{port}");

        AssertOneLineFailure(run, 1, "already in use", "--urls");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("directory")]
    public async Task Start_UnreadableDataFile_OneLineSayingWhatToDoAndExitCode1(string kind)
    {
        string path = Path.Combine(_directory, kind == "directory" ? "a-directory" : "not-sqlite.db");
        if (kind == "directory")
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            await File.WriteAllTextAsync(path, "this is not a SQLite database, just text that happens to be here.");
        }

        var run = await RunAsync("--urls", "http://127.0.0.1:0", "--data", path);

        AssertOneLineFailure(run, 1, path, "--data");
    }

    [Theory]
    [InlineData("--bogus", "Unknown argument")]
    [InlineData("--urls", "needs a value")]
    [InlineData("--build-step-ms abc", "--build-step-ms")]
    [InlineData("--urls not-a-url", "--urls")]
    [InlineData("--request-log -5", "--request-log")]
    public async Task Start_BadArguments_OneLineAndExitCode2(string arguments, string expected)
    {
        var run = await RunAsync(arguments.Split(' '));

        AssertOneLineFailure(run, 2, expected, "--");
    }

    [Fact]
    public async Task Start_Help_PrintsUsageAndExitsZero()
    {
        var run = await RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("Usage: imageservice-emulator", run.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void AssertOneLineFailure((int ExitCode, string Stdout, string Stderr) run, int exitCode, string says, string advice)
    {
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(run.ExitCode == exitCode && lines.Length == 1 && run.Stdout.Trim().Length == 0,
            $"exit code {run.ExitCode} (expected {exitCode}); stderr:\n{run.Stderr}\nstdout:\n{run.Stdout}");
        Assert.StartsWith("imageservice-emulator: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(says, lines[0], StringComparison.Ordinal);
        Assert.Contains(advice, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", run.Stderr + run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Stderr + run.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Runs the emulator program the build put next to these tests (<c>dotnet ImageService.Emulator.dll</c>).</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        string program = Path.Combine(AppContext.BaseDirectory, "ImageService.Emulator.dll");
        Assert.True(File.Exists(program), $"{program} is missing: build the solution first.");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(program);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(s_hangBound);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The emulator ({string.Join(' ', arguments)}) was still running after {s_hangBound.TotalMinutes} minutes:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
