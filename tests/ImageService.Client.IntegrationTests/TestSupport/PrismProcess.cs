using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Client.IntegrationTests.TestSupport;

/// <summary>
/// Prism (<c>@stoplight/prism-cli</c>, pinned in package.json, installed by <c>npm ci</c>) as a child process on
/// 127.0.0.1 and a port the OS picks; the port is read from its "Prism is listening on" line. Disposing kills the
/// whole process tree. Every output line is kept (violations are logged there too).
/// </summary>
internal sealed partial class PrismProcess : IAsyncDisposable
{
    /// <summary>
    /// A bound against a Prism that never listens, not a speed check: Node starting Prism on a loaded 2-core CI machine
    /// has taken far longer than on a quiet one, so the bound is minutes; a start that reaches it has hung.
    /// </summary>
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(5);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private PrismProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<string> Output => [.. _output];

    public static string CliPath => Path.Combine(RepoPaths.Root, "node_modules", "@stoplight", "prism-cli", "dist", "index.js");

    /// <summary>Starts <c>prism mock</c> (<paramref name="dynamic"/>: <c>-d</c>).</summary>
    public static Task<PrismProcess> MockAsync(bool dynamic) =>
        StartAsync(dynamic ? ["mock", RepoPaths.Spec, "-h", "127.0.0.1", "-p", "0", "-d"] : ["mock", RepoPaths.Spec, "-h", "127.0.0.1", "-p", "0"]);

    /// <summary>Starts <c>prism proxy --errors</c> in front of <paramref name="upstream"/>.</summary>
    public static Task<PrismProcess> ProxyAsync(Uri upstream) =>
        StartAsync(["proxy", RepoPaths.Spec, upstream.AbsoluteUri.TrimEnd('/'), "-h", "127.0.0.1", "-p", "0", "--errors"]);

    public static async Task<PrismProcess> StartAsync(IReadOnlyList<string> arguments)
    {
        if (!File.Exists(CliPath))
        {
            throw new InvalidOperationException($"Prism is not installed at {CliPath}: run 'npm ci' (build.ps1 restore does) in {RepoPaths.Root}.");
        }

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliPath);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["FORCE_COLOR"] = "0";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var prism = new PrismProcess(process);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            prism._output.Enqueue(line);
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException(
            "Prism exited before listening:" + Environment.NewLine + string.Join(Environment.NewLine, prism._output)));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            prism.BaseAddress = await listening.Task.WaitAsync(s_startTimeout);
        }
        catch
        {
            await prism.DisposeAsync();
            throw;
        }

        return prism;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    public IEnumerable<string> LinesContaining(string text) => _output.Where(l => l.Contains(text, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"Prism is listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
