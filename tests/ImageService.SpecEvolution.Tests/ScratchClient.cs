using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Xml.Linq;
using ImageService.Client.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ImageService.SpecEvolution.Tests;

/// <summary>
/// The client's generated layer built from a scratch copy of the spec, the way the client's build does it: NSwag with
/// src/ImageService.Client/nswag.json and its templates, then the compiler with the hand-written Customizations/, the
/// options types the facade maps its calls through (FilteredListOptions.cs, ImageListOptions.cs, ImageGetOptions.cs, ProfileListOptions.cs) and
/// the query-options generator. Faster than building the whole
/// repository, and the same inputs. Loaded into its own collectible load context.
/// </summary>
internal sealed class ScratchClient : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private ScratchClient(Assembly assembly, XDocument docs, AssemblyLoadContext context, IReadOnlyList<Diagnostic> diagnostics)
    {
        Assembly = assembly;
        Docs = docs;
        _context = context;
        Diagnostics = diagnostics;
    }

    public Assembly Assembly { get; }

    /// <summary>The XML documentation the compiler wrote (what IntelliSense and the package show).</summary>
    public XDocument Docs { get; }

    /// <summary>Warnings and errors of the compilation (errors make <see cref="BuildAsync"/> throw).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public Type Type(string name) => Assembly.GetType("ImageService.Client." + name, throwOnError: true)!;

    public string? Summary(string memberId) =>
        Docs.Descendants("member").SingleOrDefault(m => (string?)m.Attribute("name") == memberId)?.Element("summary") is { } summary
            ? string.Concat(summary.Nodes().Select(n => n.ToString(SaveOptions.DisableFormatting))).Trim()
            : null;

    public static async Task<ScratchClient> BuildAsync(string specText)
    {
        string folder = Path.Combine(Path.GetTempPath(), "imageservice-scratch-client-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            string spec = Path.Combine(folder, "images.yaml");
            string generated = Path.Combine(folder, "ImageServiceRestClient.g.cs");
            await File.WriteAllTextAsync(spec, specText);
            await RunNSwagAsync(spec, generated);
            return Compile(await File.ReadAllTextAsync(generated), specText);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public void Dispose() => _context.Unload();

    private static string ClientFolder => Path.Combine(BuildScript.RepoRoot, "src", "ImageService.Client");

    private static async Task RunNSwagAsync(string spec, string output)
    {
        string nswag = typeof(ScratchClient).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NSwagDll").Value!;
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = ClientFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])[nswag, "run", Path.Combine(ClientFolder, "nswag.json"), $"/variables:SpecPath={spec},OutputPath={output}"])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(startInfo)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();

        // A bound against a hung NSwag, not a speed check: it takes seconds, minutes on a loaded machine.
        using var hang = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(hang.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("NSwag did not finish within 10 minutes.");
        }

        if (process.ExitCode != 0 || !File.Exists(output))
        {
            throw new InvalidOperationException($"NSwag failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }

    private static ScratchClient Compile(string generatedClient, string specText)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);
        // The customisations, the list options and what they call (the one body reader, the filter grammar, the exception).
        IEnumerable<string> handWritten = Directory.GetFiles(Path.Combine(ClientFolder, "Customizations"), "*.cs")
            .Concat(new[] { "FilteredListOptions.cs", "ImageListOptions.cs", "ImageGetOptions.cs", "ProfileListOptions.cs", "ImageServiceException.cs", "Internal/ResponseReader.cs", "Internal/ListFilter.cs" }
                .Select(file => Path.Combine(ClientFolder, file)));
        List<SyntaxTree> trees =
        [
            CSharpSyntaxTree.ParseText(generatedClient, parse, path: "ImageServiceRestClient.g.cs", encoding: Encoding.UTF8),
            .. handWritten.Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), parse, path: file, encoding: Encoding.UTF8)),
        ];
        IEnumerable<MetadataReference> references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => !Path.GetFileName(path).StartsWith("ImageService.", StringComparison.Ordinal))
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "ImageService.Client",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        // The spec is an additional file of the client's build, as there: the generator reads what it deprecates.
        CSharpGeneratorDriver.Create([new QueryOptionsGenerator().AsSourceGenerator()], [new SpecText(specText)], parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation withGenerated, out _);

        using var pe = new MemoryStream();
        using var xml = new MemoryStream();
        var result = withGenerated.Emit(pe, xmlDocumentationStream: xml);
        Diagnostic[] diagnostics = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        if (!result.Success)
        {
            throw new InvalidOperationException("The scratch client does not compile:\n" + string.Join("\n", diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        pe.Position = 0;
        xml.Position = 0;
        var context = new AssemblyLoadContext("scratch-client-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        return new ScratchClient(context.LoadFromStream(pe), XDocument.Load(xml), context, diagnostics);
    }
}

/// <summary>The scratch spec as the compiler hands an additional file to a generator.</summary>
internal sealed class SpecText(string text) : AdditionalText
{
    public override string Path => "openapi/images.yaml";

    public override Microsoft.CodeAnalysis.Text.SourceText GetText(CancellationToken cancellationToken = default) =>
        Microsoft.CodeAnalysis.Text.SourceText.From(text, Encoding.UTF8);
}
