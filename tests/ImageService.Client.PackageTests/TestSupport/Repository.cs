using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;

namespace ImageService.Client.PackageTests.TestSupport;

/// <summary>Paths in the repository this test assembly was built from (its root found as the integration tests find it).</summary>
internal static class Repository
{
    public static string Root => RepoPaths.Root;

    public static string Readme => Path.Combine(Root, "README.md");

    public static string ClientProject => Path.Combine(Root, "src", "ImageService.Client", "ImageService.Client.csproj");

    public static string BuildScript => Path.Combine(Root, "build.ps1");

    /// <summary>Runs git in <paramref name="directory"/> (default: this repository) and returns what it printed.</summary>
    public static async Task<string> GitAsync(string? directory, params string[] arguments) =>
        (await DotnetCli.RunProgramAsync("git", directory ?? Root, null, arguments)).EnsureSuccess().Output.Trim();

    /// <summary>The URL of this clone's git remote 'origin', or null when it has none.</summary>
    public static async Task<string?> OriginAsync()
    {
        string remotes = await GitAsync(null, "remote");
        return remotes.Split('\n').Any(r => r.Trim() == "origin") ? await GitAsync(null, "remote", "get-url", "origin") : null;
    }

    /// <summary>The text of a compiled sample's <c>#region Snippet:name</c>, as build.ps1 snippets copies it into the READMEs.</summary>
    public static string Snippet(string sampleFile, string name)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Root, "samples", sampleFile));
        int start = Array.FindIndex(lines, l => l.Trim() == "#region Snippet:" + name);
        int end = Array.FindIndex(lines, start + 1, l => l.Trim() == "#endregion");
        Assert.True(start >= 0 && end > start, $"samples/{sampleFile} has no #region Snippet:{name} … #endregion.");
        string[] body = lines[(start + 1)..end];
        int indent = body.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    public static string EmulatorProject => Path.Combine(Root, "src", "ImageService.Emulator", "ImageService.Emulator.csproj");

    public static string EmulatorTestingProject => Path.Combine(Root, "src", "ImageService.Emulator.Testing", "ImageService.Emulator.Testing.csproj");

    /// <summary>The configuration this test assembly (and so the client, built before it) was built in.</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
}
