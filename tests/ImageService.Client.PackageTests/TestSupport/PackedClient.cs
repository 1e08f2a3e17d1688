using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace ImageService.Client.PackageTests.TestSupport;

/// <summary>
/// The client packed once for the whole test assembly, with <c>dotnet pack --no-build</c> from the build the tests run
/// against, into a folder of its own: the .nupkg and the .snupkg a user gets from <c>build.ps1 pack</c>.
/// </summary>
public sealed class PackedClient : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "imageservice-packagetests-" + Guid.NewGuid().ToString("N")[..8]);

    public string Package => Directory.EnumerateFiles(Folder, "ImageService.Client.*.nupkg").Single(p => !p.EndsWith(".symbols.nupkg", StringComparison.Ordinal));

    public string SymbolsPackage => Directory.EnumerateFiles(Folder, "ImageService.Client.*.snupkg").Single();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        (await DotnetCli.RunAsync(Repository.Root, null,
            "pack", Repository.ClientProject, "--no-build", "--no-restore", "-c", Repository.Configuration, "-o", Folder, "-nologo")).EnsureSuccess();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class PackedClientCollection : ICollectionFixture<PackedClient>
{
    public const string Name = "packed client";
}
