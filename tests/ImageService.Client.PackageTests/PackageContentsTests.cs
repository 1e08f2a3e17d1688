using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;
using ImageService.Client.PackageTests.TestSupport;

namespace ImageService.Client.PackageTests;

/// <summary>What <c>dotnet pack</c> of the client puts in the .nupkg and the .snupkg.</summary>
[Collection(PackedClientCollection.Name)]
public sealed class PackageContentsTests(PackedClient packed)
{
    private static readonly string[] s_frameworks = ["net8.0", "net10.0"];

    // The GUIDs of portable PDB custom debug information (System.Reflection.Metadata's PortablePdbGuids, internal there).
    private static readonly Guid s_sourceLink = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static readonly Guid s_embeddedSource = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    [Fact]
    public void Nupkg_Metadata_HasReadmeUrlsTagsAndLicenseExpression()
    {
        using ZipArchive package = ZipFile.OpenRead(packed.Package);
        XElement metadata = Nuspec(package);
        string Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? string.Empty;

        Assert.Equal("ImageService.Client", Value("id"));
        Assert.Equal("README.md", Value("readme"));
        Assert.NotNull(package.GetEntry("README.md"));
        Assert.StartsWith("https://", Value("projectUrl"), StringComparison.Ordinal);
        XElement license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.Contains("azure", Value("tags").Split(' '));
        XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.StartsWith("https://", (string?)repository.Attribute("url"), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? string.Empty);
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
    }

    [Fact]
    public void Nupkg_Readme_IsTheRepositoryReadmeWithTheGettingStarted()
    {
        using ZipArchive package = ZipFile.OpenRead(packed.Package);
        using var reader = new StreamReader(package.GetEntry("README.md")!.Open());

        string readme = reader.ReadToEnd();

        Assert.Equal(File.ReadAllText(Repository.Readme), readme);
        Assert.Contains("dotnet add package ImageService.Client", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Snupkg_Pdbs_LinkTrackedSourcesAndEmbedTheGeneratedClient()
    {
        using ZipArchive symbols = ZipFile.OpenRead(packed.SymbolsPackage);
        foreach (string framework in s_frameworks)
        {
            ZipArchiveEntry entry = symbols.GetEntry($"lib/{framework}/ImageService.Client.pdb")
                ?? throw new Xunit.Sdk.XunitException($"The .snupkg has no lib/{framework}/ImageService.Client.pdb.");
            using var pdb = new MemoryStream();
            using (Stream stream = entry.Open())
            {
                stream.CopyTo(pdb);
            }

            pdb.Position = 0;
            using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
            MetadataReader reader = provider.GetMetadataReader();
            var sourceLink = reader.GetCustomDebugInformation(EntityHandle.ModuleDefinition)
                .Select(reader.GetCustomDebugInformation)
                .Where(i => reader.GetGuid(i.Kind) == s_sourceLink)
                .Select(i => Encoding.UTF8.GetString(reader.GetBlobBytes(i.Value)))
                .SingleOrDefault();
            Assert.True(sourceLink is not null, $"{framework}: the PDB has no SourceLink map.");
            Assert.Matches(@"""https://raw\.githubusercontent\.com/[^""]+/[0-9a-f]{40}/\*""", sourceLink);

            // The generated client is not in git, so SourceLink cannot serve it: it must travel inside the PDB.
            DocumentHandle generated = reader.Documents.SingleOrDefault(d =>
                reader.GetString(reader.GetDocument(d).Name).EndsWith("ImageServiceRestClient.g.cs", StringComparison.Ordinal));
            Assert.False(generated.IsNil, $"{framework}: the PDB does not list the generated client.");
            Assert.Contains(reader.GetCustomDebugInformation(generated), i => reader.GetGuid(reader.GetCustomDebugInformation(i).Kind) == s_embeddedSource);
        }
    }

    [Fact]
    public void Nupkg_EveryPublicMember_HasXmlDocs()
    {
        using ZipArchive package = ZipFile.OpenRead(packed.Package);
        foreach (string framework in s_frameworks)
        {
            using var assembly = new MemoryStream();
            using (Stream stream = package.GetEntry($"lib/{framework}/ImageService.Client.dll")!.Open())
            {
                stream.CopyTo(assembly);
            }

            assembly.Position = 0;
            using var pe = new PEReader(assembly);
            IReadOnlyList<string> surface = PublicSurface.DocumentationIds(pe.GetMetadataReader());

            using Stream xml = package.GetEntry($"lib/{framework}/ImageService.Client.xml")?.Open()
                ?? throw new Xunit.Sdk.XunitException($"The package has no lib/{framework}/ImageService.Client.xml.");
            var documented = XDocument.Load(xml).Descendants("member")
                .Where(m => m.Elements().Any())
                .Select(m => (string)m.Attribute("name")!)
                .ToHashSet(StringComparer.Ordinal);

            // A class without a constructor gets an implicit public one, which C# cannot document (nor asks to).
            string[] undocumented = [.. surface.Where(id => !documented.Contains(id) && !id.EndsWith(".#ctor", StringComparison.Ordinal))];

            Assert.True(surface.Count > 300, $"{framework}: only {surface.Count} public members found; the metadata walk is broken.");
            Assert.True(undocumented.Length == 0, $"{framework}: public members without XML docs:\n{string.Join('\n', undocumented)}");
        }
    }

    private static XElement Nuspec(ZipArchive package)
    {
        ZipArchiveEntry entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }
}
