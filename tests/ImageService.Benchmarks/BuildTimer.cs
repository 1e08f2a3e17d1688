using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace ImageService.Benchmarks;

/// <summary>
/// 5. Build: wall time of <c>dotnet build src/ImageService.Client -f net10.0</c> with no change, and after touching
/// openapi/images.yaml (which regenerates the client). A Stopwatch over real build processes.
/// </summary>
public static class BuildTimer
{
    public static BuildResult Run(string repoRoot, int rounds)
    {
        string project = Path.Combine(repoRoot, "src", "ImageService.Client", "ImageService.Client.csproj");
        string spec = Path.Combine(repoRoot, "openapi", "images.yaml");
        string generated = Path.Combine(repoRoot, "src", "ImageService.Client", "obj", "Release", "net10.0", "Generated", "ImageServiceRestClient.g.cs");

        Build(project); // settle: whatever state the tree is in, the next build is a no-change one
        var noChange = new List<double>();
        for (int i = 0; i < rounds; i++)
        {
            DateTime before = File.GetLastWriteTimeUtc(generated);
            noChange.Add(Build(project));
            if (File.GetLastWriteTimeUtc(generated) != before)
            {
                throw new InvalidOperationException("A no-change build regenerated the client.");
            }
        }

        var regenerate = new List<double>();
        for (int i = 0; i < rounds; i++)
        {
            DateTime before = File.GetLastWriteTimeUtc(generated);
            File.SetLastWriteTimeUtc(spec, DateTime.UtcNow);
            regenerate.Add(Build(project));
            if (File.GetLastWriteTimeUtc(generated) <= before)
            {
                throw new InvalidOperationException("Touching openapi/images.yaml did not regenerate the client.");
            }
        }

        return new BuildResult(noChange, regenerate);
    }

    private static double Build(string project)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "build", project, "-f", "net10.0", "-c", "Release", "--no-restore", "-nologo", "-v:q" })
        {
            start.ArgumentList.Add(arg);
        }

        var watch = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        watch.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet build failed ({process.ExitCode}):\n{output}");
        }

        return watch.Elapsed.TotalSeconds;
    }

    public sealed record BuildResult(IReadOnlyList<double> NoChangeSeconds, IReadOnlyList<double> RegenerateSeconds)
    {
        public double NoChangeMedian => Median(NoChangeSeconds);

        public double RegenerateMedian => Median(RegenerateSeconds);

        private static double Median(IReadOnlyList<double> values)
        {
            double[] sorted = values.OrderBy(v => v).ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }
}
