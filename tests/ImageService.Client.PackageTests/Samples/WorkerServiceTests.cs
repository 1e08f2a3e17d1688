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
    public async Task Run_EmulatorOnce_ReportsTheFailedBuildAndExits()
    {
        CliResult run = await DotnetCli.RunAsync(s_project, null, s_assembly, "--emulator", "--once");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Image worker-sample-broken:1 failed to build", run.Output, System.StringComparison.Ordinal);
        Assert.Contains("Scanned 2 images, 1 with a failed build", run.Output, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnreachableServiceOnce_LogsOneLineForTheFailedScan()
    {
        CliResult run = await DotnetCli.RunAsync(s_project, null, s_assembly, "--once", $"--ImageService:Endpoint=http://127.0.0.1:{ClosedPort()}/");

        Assert.True(run.ExitCode == 0, run.ToString());
        string[] lines = run.Output.Split('\n');
        // The console logger starts every record with its level: exactly one warning or error, the scan's, and no stack trace.
        IEnumerable<string> problems = lines.Where(l => l.StartsWith("warn:", System.StringComparison.Ordinal) || l.StartsWith("fail:", System.StringComparison.Ordinal));
        Assert.True(problems.Count() == 1, run.ToString());
        Assert.Single(lines, l => l.Contains("Scanning images failed", System.StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", System.StringComparison.Ordinal));
    }

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
