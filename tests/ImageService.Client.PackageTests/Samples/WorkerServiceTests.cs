using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using ImageService.Client.PackageTests.TestSupport;

namespace ImageService.Client.PackageTests.Samples;

/// <summary>samples/WorkerService run the way its README line says, as a process from its project folder.</summary>
public sealed class WorkerServiceTests
{
    private static readonly string s_project = Path.Combine(Repository.Root, "samples", "WorkerService");
    private static readonly string s_assembly = Path.Combine(s_project, "bin", Repository.Configuration, "net10.0", "WorkerService.dll");

    [Fact]
    public async Task Run_EmulatorOnce_ReportsTheFailedBuildWithoutTheEmulatorsRequestLogAndExits()
    {
        CliResult run = await DotnetCli.RunAsync(s_project, null, s_assembly, "--emulator", "--once");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Image worker-sample-broken:1 failed to build", run.Output, StringComparison.Ordinal);
        Assert.Contains("Scanned 2 images, 1 with a failed build", run.Output, StringComparison.Ordinal);
        // The embedded emulator logs at Warning: none of its request log's Information records in the worker's output.
        Assert.DoesNotContain(Lines(run), l => l.StartsWith("info: ImageService.Emulator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_UnreachableServiceOnce_LogsOneLineForTheFailedScanAndExitsNonZero()
    {
        CliResult run = await DotnetCli.RunAsync(s_project, null, s_assembly, "--once", $"--ImageService:Endpoint=http://127.0.0.1:{ClosedPort()}/");

        Assert.True(run.ExitCode == 1, run.ToString());
        string[] lines = Lines(run);
        // The console logger starts every record with its level: exactly one warning or error, the scan's, and no stack trace.
        IEnumerable<string> problems = lines.Where(l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal));
        Assert.True(problems.Count() == 1, run.ToString());
        Assert.Single(lines, l => l.Contains("Scanning images failed", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--ImageService:MaxRetryAttempts=50", "Invalid configuration: ImageServiceClientOptions.MaxRetryAttempts (50) must be between 0 and 10.")]
    [InlineData("--ImageService:MaxRetryAttempts=many", "Invalid configuration: Failed to convert configuration value 'many' at 'ImageService:MaxRetryAttempts' to type 'System.Int32'.")]
    public async Task Run_InvalidOption_PrintsTheProblemOnceWithoutStackTraceAndExitsNonZero(string option, string expected)
    {
        CliResult run = await DotnetCli.RunAsync(s_project, null, s_assembly, "--once", option);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal([expected], Lines(run));
    }

    private static string[] Lines(CliResult run) => run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A loopback port nothing listens on: taken free from the OS, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
