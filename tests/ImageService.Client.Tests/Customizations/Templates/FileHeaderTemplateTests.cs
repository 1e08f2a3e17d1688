using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;

namespace ImageService.Client.Tests.Customizations.Templates;

/// <summary>
/// The fork of NSwag's File.Header.liquid changes one thing: CS1591 (missing XML comment) stays on in the SDK's generated
/// file. Diffed against the template inside the NSwag.MSBuild package the build uses, so an NSwag upgrade that changes
/// the stock header fails here instead of being silently masked by the fork.
/// </summary>
public partial class FileHeaderTemplateTests
{
    private const string StockResource = "NSwag.CodeGeneration.CSharp.Templates.File.Header.liquid";

    [Fact]
    public void Fork_WithoutItsCommentAndCondition_IsTheStockTemplate()
    {
        string fork = File.ReadAllText(Path.Combine(Metadata("ClientTemplates"), "File.Header.liquid"));

        string unforked = EmulatorCondition().Replace(CustomComment().Replace(fork, string.Empty), "$1");

        Assert.Equal(Normalize(StockTemplate()), Normalize(unforked));
    }

    [Fact]
    public void Fork_Cs1591Suppression_OnlyForTheEmulatorContracts()
    {
        string fork = File.ReadAllText(Path.Combine(Metadata("ClientTemplates"), "File.Header.liquid"));

        Match condition = EmulatorCondition().Match(fork);

        Assert.True(condition.Success, "The CS1591 line is not inside the emulator-only condition.");
        Assert.Contains("disable 1591", condition.Groups[1].Value, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(fork, "disable 1591"));
    }

    private static string StockTemplate()
    {
        using var pe = new PEReader(File.OpenRead(Metadata("NSwagCodeGenerationCSharp")));
        MetadataReader reader = pe.GetMetadataReader();
        ManifestResource resource = reader.ManifestResources.Select(reader.GetManifestResource)
            .Single(r => reader.GetString(r.Name) == StockResource);
        PEMemoryBlock resources = pe.GetSectionData(pe.PEHeaders.CorHeader!.ResourcesDirectory.RelativeVirtualAddress);
        BlobReader blob = resources.GetReader((int)resource.Offset, resources.Length - (int)resource.Offset);
        int length = blob.ReadInt32();
        return Encoding.UTF8.GetString(blob.ReadBytes(length)).TrimStart('\uFEFF');
    }

    private static string Normalize(string template) => template.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');

    private static string Metadata(string key) =>
        typeof(FileHeaderTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"No {key} in the test assembly's metadata.");

    [GeneratedRegex(@"\A\{%- comment -%\}.*?\{%- endcomment -%\}\n", RegexOptions.Singleline)]
    private static partial Regex CustomComment();

    [GeneratedRegex(@"\{% if Namespace == ""ImageService\.Emulator\.Contracts"" -%\}\n(.*?\n)\{% endif -%\}\n", RegexOptions.Singleline)]
    private static partial Regex EmulatorCondition();
}
