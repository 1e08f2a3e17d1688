using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Client.PackageTests.TestSupport;

/// <summary>
/// The emulator's two packages, packed as <c>build.ps1 pack</c> packs them (<c>dotnet pack --no-build</c> from the build
/// the tests run against) into the folder of <see cref="PackedClient"/>, which the fixture package depends on: the
/// .NET tool <c>ImageService.Emulator</c> and the test fixture <c>ImageService.Emulator.Testing</c>. Packed once per
/// test run (tests of the packed-client collection run one at a time).
/// </summary>
internal static class PackedEmulator
{
    public const string ToolPackage = "ImageService.Emulator";
    public const string FixturePackage = "ImageService.Emulator.Testing";

    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static string? s_packedInto;

    public static async Task EnsurePackedAsync(PackedClient packed)
    {
        await s_gate.WaitAsync();
        try
        {
            if (s_packedInto == packed.Folder)
            {
                return;
            }

            foreach (string project in new[] { Repository.EmulatorProject, Repository.EmulatorTestingProject })
            {
                (await DotnetCli.RunAsync(Repository.Root, null,
                    "pack", project, "--no-build", "--no-restore", "-c", Repository.Configuration, "-o", packed.Folder, "-nologo")).EnsureSuccess();
            }

            s_packedInto = packed.Folder;
        }
        finally
        {
            s_gate.Release();
        }
    }

    /// <summary>The version of a package in the folder, read from its file name (<c>Id.1.2.3.nupkg</c>).</summary>
    public static string Version(PackedClient packed, string id)
    {
        string file = Directory.EnumerateFiles(packed.Folder, $"{id}.*.nupkg")
            .Select(Path.GetFileNameWithoutExtension)
            .Single(name => name!.Length > id.Length + 1 && char.IsDigit(name[id.Length + 1]))!;
        return file[(id.Length + 1)..];
    }
}
