using System;
using System.IO;

namespace ImageService.Client.IntegrationTests.TestSupport;

/// <summary>The repository root: the first directory above the test binaries that holds Client.sln.</summary>
internal static class RepoPaths
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

    public static string Spec => Path.Combine(Root, "openapi", "images.yaml");

    public static string Figures => Path.Combine(Root, "artifacts", "figures");
}
