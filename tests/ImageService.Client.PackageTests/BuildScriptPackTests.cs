using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;
using ImageService.Client.PackageTests.TestSupport;

namespace ImageService.Client.PackageTests;

/// <summary><c>build.ps1 pack</c> as a user runs it after a build: what it builds, and what it says about a repack.</summary>
[Collection(PackedClientCollection.Name)]
public sealed partial class BuildScriptPackTests(PackedClient packed)
{
    [Fact]
    public void Pack_AfterTheBuild_BuildsOnlyThePackableProjectsAndWhatTheyReference()
    {
        // MSBuild prints "  Project -> path" for every project it builds, even when it finds the project up to date.
        Dictionary<string, string> built = BuiltProject().Matches(packed.PackOutput)
            .GroupBy(m => m.Groups["project"].Value)
            .ToDictionary(g => g.Key, g => g.First().Groups["path"].Value);

        Assert.Contains("ImageService.Client", built.Keys);
        // Packed, or a library of src/ that a packed project references (the source generator); never a test, a sample
        // or a benchmark that does not pack.
        HashSet<string> packages = [.. Directory.EnumerateFiles(packed.Folder, "*.nupkg").Select(p => PackageIdentity(p).Id)];
        string src = Path.Combine(Repository.Root, "src") + Path.DirectorySeparatorChar;
        string[] notPacked = [.. built.Where(p => !packages.Contains(p.Key) && !p.Value.StartsWith(src, StringComparison.Ordinal)).Select(p => p.Key)];
        Assert.True(notPacked.Length == 0, $"build.ps1 pack built {string.Join(", ", notPacked)}, which it does not pack:\n{packed.PackOutput}");
        Assert.Contains("Successfully created package", packed.PackOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_VersionAlreadyInTheNuGetCache_SaysTheCachedCopyWinsAndHowToRepack()
    {
        (string id, string version) = PackageIdentity(packed.Package);
        string work = Path.Combine(Path.GetTempPath(), "imageservice-repack-" + Guid.NewGuid().ToString("N")[..8]);
        string cache = Path.Combine(work, "nuget-packages");
        Directory.CreateDirectory(Path.Combine(cache, id.ToLowerInvariant(), version.ToLowerInvariant()));
        try
        {
            // The same pack again, with a NuGet cache that already holds this version (as after a first install).
            CliResult repack = (await DotnetCli.RunAsync(Repository.Root, null,
                "pack", Repository.ClientProject, "--no-build", "--no-restore", "-c", Repository.Configuration, "-o", Path.Combine(work, "packages"), "-nologo",
                $"-p:NuGetPackageRoot={cache}{Path.DirectorySeparatorChar}")).EnsureSuccess();

            Assert.Contains($"{id} {version} is already in the NuGet cache", repack.Output, StringComparison.Ordinal);
            Assert.Contains("build.ps1 pack -VersionSuffix", repack.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static (string Id, string Version) PackageIdentity(string package)
    {
        using ZipArchive archive = ZipFile.OpenRead(package);
        XElement metadata = PackedClient.Metadata(archive);
        string Value(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        return (Value("id"), Value("version"));
    }

    [GeneratedRegex(@"^\s+(?<project>[\w.]+) -> (?<path>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex BuiltProject();
}
