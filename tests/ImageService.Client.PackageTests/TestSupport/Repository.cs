using System.IO;
using System.Reflection;
using ImageService.Client.IntegrationTests.TestSupport;

namespace ImageService.Client.PackageTests.TestSupport;

/// <summary>Paths in the repository this test assembly was built from (its root found as the integration tests find it).</summary>
internal static class Repository
{
    public static string Root => RepoPaths.Root;

    public static string Readme => Path.Combine(Root, "README.md");

    public static string ClientProject => Path.Combine(Root, "src", "ImageService.Client", "ImageService.Client.csproj");

    public static string EmulatorProject => Path.Combine(Root, "src", "ImageService.Emulator", "ImageService.Emulator.csproj");

    public static string EmulatorTestingProject => Path.Combine(Root, "src", "ImageService.Emulator.Testing", "ImageService.Emulator.Testing.csproj");

    /// <summary>The configuration this test assembly (and so the client, built before it) was built in.</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
}
