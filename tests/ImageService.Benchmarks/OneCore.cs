using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace ImageService.Benchmarks;

/// <summary>
/// One-core mode. The runtime sizes its thread pool and GC from the CPUs it may use when it starts, so pinning a
/// running process would not hold: the benchmarks start themselves again as a child under <c>taskset -c 0</c>, with
/// the in-process server, the clients and every thread of the runtime on that one core. The child checks that it
/// sees one CPU before it measures anything.
/// </summary>
public static class OneCore
{
    /// <summary>Set in the pinned child, so that it does not start another.</summary>
    public const string PinnedVariable = "IMAGESERVICE_BENCH_PINNED";

    public static bool IsPinnedChild => Environment.GetEnvironmentVariable(PinnedVariable) == "1";

    /// <summary>Runs this program again under <c>taskset -c 0</c> with <paramref name="arguments"/>; returns its exit code.</summary>
    public static int RunPinned(IEnumerable<string> arguments)
    {
        string taskset = FindTaskset()
            ?? throw new InvalidOperationException("One-core mode needs taskset (util-linux) on the PATH: install it with `apt-get install util-linux`.");
        var start = new ProcessStartInfo(taskset) { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("0");
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which executable is running.");
        start.ArgumentList.Add(host);
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(OneCore).Assembly.Location); // `dotnet ImageService.Benchmarks.dll ...`
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[PinnedVariable] = "1";
        Console.WriteLine($"// one-core mode: {taskset} -c 0 {string.Join(' ', start.ArgumentList.Skip(2))}");
        using Process child = Process.Start(start) ?? throw new InvalidOperationException("taskset did not start.");
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>In the pinned child: fails unless the runtime sees exactly one CPU.</summary>
    public static void EnsurePinned()
    {
        if (Environment.ProcessorCount != 1)
        {
            throw new InvalidOperationException($"The one-core child sees {Environment.ProcessorCount} CPUs (allowed: {CpusAllowed()}); the pinning did not hold.");
        }
    }

    /// <summary>The CPUs this process may run on, as the kernel lists them (Linux), else the processor count.</summary>
    public static string CpusAllowed()
    {
        try
        {
            string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
            if (line is not null)
            {
                return line["Cpus_allowed_list:".Length..].Trim();
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return $"{Environment.ProcessorCount} CPU(s)";
    }

    private static string? FindTaskset() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "taskset"))
            .FirstOrDefault(File.Exists);
}
