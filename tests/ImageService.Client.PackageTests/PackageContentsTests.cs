using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;
using ImageService.Client.PackageTests.TestSupport;

namespace ImageService.Client.PackageTests;

/// <summary>What <c>build.ps1 pack</c> of the client puts in the .nupkg and the .snupkg.</summary>
[Collection(PackedClientCollection.Name)]
public sealed partial class PackageContentsTests(PackedClient packed)
{
    private static readonly string[] s_frameworks = ["net8.0", "net10.0"];

    // The GUIDs of portable PDB custom debug information (System.Reflection.Metadata's PortablePdbGuids, internal there).
    private static readonly Guid s_sourceLink = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static readonly Guid s_embeddedSource = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    [Fact]
    public async Task Nupkg_Metadata_HasReadmeTagsLicenseAndTheRepositoryOfThisClone()
    {
        using ZipArchive package = ZipFile.OpenRead(packed.Package);
        XElement metadata = PackedClient.Metadata(package);
        string Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? string.Empty;

        Assert.Equal("ImageService.Client", Value("id"));
        Assert.Equal("README.md", Value("readme"));
        Assert.NotNull(package.GetEntry("README.md"));
        XElement license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.Contains("azure", Value("tags").Split(' '));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));

        // The repository is the clone's remote 'origin' when a browser can open it, and none otherwise (CI clones a
        // local folder; a worktree may have no remote): never a URL the packing clone does not come from.
        string? origin = await Repository.OriginAsync();
        XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal(await Repository.GitAsync(null, "rev-parse", "HEAD"), (string?)repository.Attribute("commit"));
        string? url = (string?)repository.Attribute("url");
        if (IsHttp(origin))
        {
            Assert.Equal(origin, url);
            Assert.Equal(origin!.EndsWith(".git", StringComparison.Ordinal) ? origin[..^4] : origin, Value("projectUrl"));
        }
        else if (origin is null || IsLocalPath(origin))
        {
            Assert.True(string.IsNullOrEmpty(url), $"origin is '{origin}', yet the package names the repository {url}.");
            Assert.Equal(string.Empty, Value("projectUrl"));
        }
    }

    [Fact]
    public void Nupkg_Readme_HasNoRelativeLinkAndTheCompiledGettingStartedProgram()
    {
        string readme = packed.Readme();

        string[] notAbsolute = [.. MarkdownLinkTargets(readme).Where(target => !IsHttp(target))];
        Assert.True(notAbsolute.Length == 0, $"The package README links to {string.Join(", ", notAbsolute)}: broken wherever a feed or an IDE shows it.");
        Assert.Contains(Repository.Snippet("GettingStarted/Program.cs", "GettingStarted"), readme, StringComparison.Ordinal);
        Assert.Matches(new Regex("^dotnet add package ImageService.Client$", RegexOptions.Multiline), readme);
        Assert.DoesNotContain("build.ps1", readme, StringComparison.Ordinal); // how to build this repository is not the package's business
    }

    [Theory]
    [InlineData(PackedEmulator.ToolPackage)]
    [InlineData(PackedEmulator.FixturePackage)]
    public void Nupkg_EmulatorPackageReadme_HasNoRelativeLink(string id)
    {
        PackedEmulator.AssertPacked(packed);
        string path = Path.Combine(packed.Folder, $"{id}.{PackedEmulator.Version(packed, id)}.nupkg");
        using ZipArchive package = ZipFile.OpenRead(path);
        ZipArchiveEntry entry = package.GetEntry("README.md") ?? throw new Xunit.Sdk.XunitException($"{id} carries no README.md.");
        using var reader = new StreamReader(entry.Open());
        string readme = reader.ReadToEnd();

        string[] notAbsolute = [.. MarkdownLinkTargets(readme).Where(target => !IsHttp(target))];
        Assert.True(notAbsolute.Length == 0, $"The {id} package README links to {string.Join(", ", notAbsolute)}: broken wherever a feed or an IDE shows it.");
    }

    [Fact]
    public async Task Snupkg_Pdbs_HaveNormalisedPathsAndEverySourceResolvesFromTheRepositoryOrThePdb()
    {
        string? origin = await Repository.OriginAsync();
        string head = await Repository.GitAsync(null, "rev-parse", "HEAD");
        HashSet<string> atHead = [.. (await Repository.GitAsync(null, "ls-tree", "-r", "--name-only", "HEAD")).Split('\n')];
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
            var documents = reader.Documents.Select(d => (Name: reader.GetString(reader.GetDocument(d).Name), Embedded: HasDebugInformation(reader, d, s_embeddedSource))).ToList();

            // Built as CI builds: the packing machine's folders never reach the PDB.
            string[] local = [.. documents.Select(d => d.Name).Where(name => !name.StartsWith("/_/", StringComparison.Ordinal))];
            Assert.True(local.Length == 0, $"{framework}: source paths not normalised to /_/: {string.Join(", ", local.Take(5))}");
            Assert.Contains(documents, d => d.Name.EndsWith("/Generated/ImageServiceRestClient.g.cs", StringComparison.Ordinal) && d.Embedded);

            string? sourceLink = reader.GetCustomDebugInformation(EntityHandle.ModuleDefinition)
                .Select(reader.GetCustomDebugInformation)
                .Where(i => reader.GetGuid(i.Kind) == s_sourceLink)
                .Select(i => Encoding.UTF8.GetString(reader.GetBlobBytes(i.Value)))
                .SingleOrDefault();
            string? gitHubTarget = origin is null ? null : ExpectedGitHubRawUrl(origin, head);
            if (sourceLink is null)
            {
                // No remote a debugger can fetch from (none, a local folder, a host no SourceLink provider knows):
                // every source travels inside the PDB instead.
                Assert.True(gitHubTarget is null, $"{framework}: origin is the GitHub repository {origin}, yet the PDB has no SourceLink map.");
                Assert.All(documents, d => Assert.True(d.Embedded, $"{framework}: {d.Name} is neither linked nor embedded."));
                continue;
            }

            // SourceLink maps /_/ to the remote at this commit, and every source it maps is a file of that commit.
            Assert.True(IsHttp(origin) || gitHubTarget is not null, $"{framework}: origin is '{origin}', yet the PDB has a SourceLink map: {sourceLink}");
            Dictionary<string, string> map = JsonDocument.Parse(sourceLink).RootElement.GetProperty("documents")
                .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            string target = Assert.Single(map, m => m.Key == "/_/*").Value;
            Assert.Contains(head, target, StringComparison.Ordinal);
            Assert.Equal(gitHubTarget ?? target, target);
            string[] unresolved = [.. documents.Where(d => !d.Embedded && !atHead.Contains(d.Name[3..])).Select(d => d.Name)];
            Assert.True(unresolved.Length == 0, $"{framework}: linked sources that are no file of {head}: {string.Join(", ", unresolved)}");
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

    /// <summary>Every link and image target of a Markdown text, code blocks and code spans left out.</summary>
    internal static IEnumerable<string> MarkdownLinkTargets(string markdown)
    {
        string prose = CodeSpan().Replace(FencedCode().Replace(markdown, string.Empty), string.Empty);
        return InlineLink().Matches(prose).Concat(ReferenceLink().Matches(prose)).Concat(HtmlLink().Matches(prose))
            .Select(m => m.Groups["target"].Value);
    }

    private static bool IsHttp(string? target) =>
        target is not null && (target.StartsWith("https://", StringComparison.Ordinal) || target.StartsWith("http://", StringComparison.Ordinal));

    private static bool IsLocalPath(string remote) =>
        Path.IsPathRooted(remote) || remote.StartsWith("file:", StringComparison.Ordinal) || remote.StartsWith('.');

    /// <summary>The SourceLink target of a GitHub remote at a commit; null for another host.</summary>
    private static string? ExpectedGitHubRawUrl(string origin, string commit)
    {
        Match repository = GitHubRepository().Match(origin);
        return repository.Success ? $"https://raw.githubusercontent.com/{repository.Groups["owner"].Value}/{repository.Groups["name"].Value}/{commit}/*" : null;
    }

    private static bool HasDebugInformation(MetadataReader reader, DocumentHandle document, Guid kind) =>
        reader.GetCustomDebugInformation(document).Any(i => reader.GetGuid(reader.GetCustomDebugInformation(i).Kind) == kind);

    [GeneratedRegex(@"^ {0,3}(```|~~~).*?^ {0,3}\1", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex("`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\]\(\s*<?(?<target>[^)\s>]+)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^ {0,3}\[[^\]]+\]:\s*<?(?<target>[^\s>]+)", RegexOptions.Multiline)]
    private static partial Regex ReferenceLink();

    [GeneratedRegex(@"\b(?:href|src)\s*=\s*[""'](?<target>[^""']+)", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlLink();

    [GeneratedRegex(@"github\.com[:/](?<owner>[^/]+)/(?<name>[^/]+?)(?:\.git)?/?$")]
    private static partial Regex GitHubRepository();
}
