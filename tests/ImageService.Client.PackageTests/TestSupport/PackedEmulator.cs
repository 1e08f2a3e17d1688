using System;
using System.IO;
using System.Linq;

namespace ImageService.Client.PackageTests.TestSupport;

/// <summary>
/// The emulator's two packages in the folder of <see cref="PackedClient"/>, where <c>build.ps1 pack</c> put them with
/// the client (it packs every project with IsPackable=true): the .NET tool <c>ImageService.Emulator</c> and the test
/// fixture <c>ImageService.Emulator.Testing</c>, which depends on the client package beside it.
/// </summary>
internal static class PackedEmulator
{
    public const string ToolPackage = "ImageService.Emulator";
    public const string FixturePackage = "ImageService.Emulator.Testing";

    /// <summary>Fails, naming what pack printed, when pack left either package out.</summary>
    public static void AssertPacked(PackedClient packed)
    {
        foreach (string id in new[] { ToolPackage, FixturePackage })
        {
            Assert.True(Directory.EnumerateFiles(packed.Folder, $"{id}.*.nupkg").Any(p => IsPackageOf(p, id)),
                $"build.ps1 pack did not pack {id} into {packed.Folder}:\n{packed.PackOutput}");
        }
    }

    /// <summary>The version of a package in the folder, read from its file name (<c>Id.1.2.3.nupkg</c>).</summary>
    public static string Version(PackedClient packed, string id)
    {
        string file = Directory.EnumerateFiles(packed.Folder, $"{id}.*.nupkg")
            .Single(p => IsPackageOf(p, id));
        return Path.GetFileNameWithoutExtension(file)[(id.Length + 1)..];
    }

    // ImageService.Emulator.* also matches ImageService.Emulator.Testing.*: the version must follow the id.
    private static bool IsPackageOf(string path, string id)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        return name.Length > id.Length + 1 && char.IsDigit(name[id.Length + 1]);
    }
}
