using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace ImageService.Client.Tests.TestSupport;

/// <summary>Files of the repository this test assembly was built from (its root is baked in at build time).</summary>
internal static class RepoFiles
{
    public static string Root { get; } =
        typeof(RepoFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value
        ?? throw new InvalidOperationException("No RepoRoot in the test assembly's metadata.");

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The file's text with LF line ends.</summary>
    public static string Read(params string[] parts) => File.ReadAllText(Path(parts)).Replace("\r\n", "\n", StringComparison.Ordinal);
}
