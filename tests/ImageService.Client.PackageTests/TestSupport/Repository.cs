using System;
using System.IO;
using System.Reflection;

namespace ImageService.Client.PackageTests.TestSupport;

/// <summary>Paths in the repository this test assembly was built from.</summary>
internal static class Repository
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Client.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Client.sln above {AppContext.BaseDirectory}.");
    });

    public static string Root => s_root.Value;

    public static string Readme => Path.Combine(Root, "README.md");

    public static string ClientProject => Path.Combine(Root, "src", "ImageService.Client", "ImageService.Client.csproj");

    /// <summary>The configuration this test assembly (and so the client, built before it) was built in.</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
}
