using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading.Tasks;
using System.Xml.Linq;

namespace ImageService.Client.PackageTests.TestSupport;

/// <summary>
/// The client packed once for the whole test assembly the way a user packs it, <c>dotnet pwsh ./build.ps1 pack</c>,
/// into a folder of its own (<c>-PackageOutput</c>): the .nupkg and the .snupkg a user gets. After the build the tests
/// run against, pack finds that build up to date and only packs.
/// </summary>
public sealed class PackedClient : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "imageservice-packagetests-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>What <c>build.ps1 pack</c> printed.</summary>
    public string PackOutput { get; private set; } = string.Empty;

    public string Package => Directory.EnumerateFiles(Folder, "ImageService.Client.*.nupkg").Single(p => !p.EndsWith(".symbols.nupkg", StringComparison.Ordinal));

    public string SymbolsPackage => Directory.EnumerateFiles(Folder, "ImageService.Client.*.snupkg").Single();

    /// <summary>The README the package carries, the one a feed or an IDE shows.</summary>
    public string Readme()
    {
        using ZipArchive package = ZipFile.OpenRead(Package);
        ZipArchiveEntry entry = package.GetEntry("README.md") ?? throw new Xunit.Sdk.XunitException("The package carries no README.md.");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    /// <summary>The nuspec's &lt;metadata&gt; element of a package.</summary>
    public static XElement Metadata(ZipArchive package)
    {
        ZipArchiveEntry entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        CliResult pack = await DotnetCli.RunBuildScriptAsync("pack", "-Configuration", Repository.Configuration, "-PackageOutput", Folder);
        PackOutput = pack.EnsureSuccess().Output;
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
