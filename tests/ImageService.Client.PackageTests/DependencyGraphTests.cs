using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using ImageService.Client.PackageTests.TestSupport;
using Xunit.Abstractions;

namespace ImageService.Client.PackageTests;

/// <summary>
/// What a .NET 8 application gets when it installs the packed package: the SDK depends on the lowest version that works
/// on each target framework, so an application on the .NET 8 LTS servicing line stays on it (issue 25, item 5). A new
/// net8.0 console project in a scratch folder outside the repository, with a package cache of its own, restores the
/// packed package; its graph (obj/project.assets.json) must hold no 9.x or later Microsoft.Extensions package and no
/// later System.Diagnostics.DiagnosticSource.
/// </summary>
[Collection(PackedClientCollection.Name)]
public sealed class DependencyGraphTests(PackedClient packed, ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "imageservice-dependencygraph-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact]
    public async Task Net8Consumer_RestoresThePackedPackage_StaysOnTheNet8LineOfMicrosoftExtensions()
    {
        string app = Path.Combine(_work, "Net8App");
        Directory.CreateDirectory(app);
        string version = Path.GetFileNameWithoutExtension(packed.Package)["ImageService.Client.".Length..];
        await File.WriteAllTextAsync(Path.Combine(app, "Net8App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net8.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ImageService.Client" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        // A package cache of its own, as GettingStartedTests explains; the packed package's folder as a source.
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "nuget-packages") };
        (await DotnetCli.RunAsync(app, environment, "new", "nugetconfig")).EnsureSuccess();
        (await DotnetCli.RunAsync(app, environment, "nuget", "add", "source", packed.Folder, "--name", "imageservice-local", "--configfile", "nuget.config")).EnsureSuccess();

        (await DotnetCli.RunAsync(app, environment, "restore", "-nologo")).EnsureSuccess();

        IReadOnlyList<(string Id, Version Version)> graph = ReadGraph(Path.Combine(app, "obj", "project.assets.json"), "net8.0");
        (string Id, Version Version)[] transitive = [.. graph.Where(p => p.Id != "ImageService.Client")];
        output.WriteLine($"{transitive.Length} packages besides ImageService.Client {version}:");
        foreach ((string id, Version packageVersion) in transitive)
        {
            output.WriteLine($"  {id} {packageVersion}");
        }

        Assert.Contains(graph, p => p.Id == "ImageService.Client");
        Assert.Contains(transitive, p => p.Id == "Microsoft.Extensions.Http.Resilience"); // the graph is the SDK's, not an empty one
        string[] offTheLine = [.. transitive
            .Where(p => (p.Id.StartsWith("Microsoft.Extensions.", StringComparison.OrdinalIgnoreCase)
                    || p.Id.Equals("System.Diagnostics.DiagnosticSource", StringComparison.OrdinalIgnoreCase))
                && p.Version.Major >= 9)
            .Select(p => $"{p.Id} {p.Version}")];
        Assert.True(offTheLine.Length == 0, "A net8.0 application of the packed package is pulled past the .NET 8 line: " + string.Join(", ", offTheLine));
    }

    /// <summary>The packages restore resolved for <paramref name="framework"/>.</summary>
    private static List<(string Id, Version Version)> ReadGraph(string assetsFile, string framework)
    {
        using JsonDocument assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
        JsonElement target = assets.RootElement.GetProperty("targets").EnumerateObject()
            .Single(t => t.Name.StartsWith(".NETCoreApp,Version=v8.0", StringComparison.Ordinal) || t.Name == framework).Value;
        var graph = new List<(string Id, Version Version)>();
        foreach (JsonProperty library in target.EnumerateObject())
        {
            if (library.Value.GetProperty("type").GetString() != "package")
            {
                continue;
            }

            string[] idAndVersion = library.Name.Split('/');
            graph.Add((idAndVersion[0], Version.Parse(idAndVersion[1].Split('-')[0])));
        }

        return graph;
    }
}
