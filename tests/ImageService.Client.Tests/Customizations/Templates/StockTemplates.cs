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
/// The SDK's forked generator templates (src/ImageService.Client/Customizations/Templates) and the stock ones they fork,
/// read from the NSwag.MSBuild package the build uses (NSwag's and NJsonSchema's code generators embed them).
/// </summary>
/// <remarks>
/// A fork marks each change as a hunk: <c>{%- comment -%} CUSTOM BEGIN: why. Stock:</c>, the stock lines it replaces
/// (none for an insertion), <c>{%- endcomment -%}</c>, the fork's lines, <c>{%- comment -%} CUSTOM END {%- endcomment -%}</c>.
/// <see cref="Unfork"/> puts the stock lines back; what is left must be the stock template exactly, so any change
/// outside a hunk, and any upstream change inside one, fails the fork's guard test.
/// </remarks>
internal static partial class StockTemplates
{
    public const string NSwag = "NSwagCodeGenerationCSharp";
    public const string NJsonSchema = "NJsonSchemaCodeGenerationCSharp";

    /// <summary>src/ImageService.Client/Customizations/Templates: NSwag's templateDirectory for the client and the emulator.</summary>
    public static string ForkDirectory => Metadata("ClientTemplates");

    public static string Fork(string fileName) => File.ReadAllText(Path.Combine(ForkDirectory, fileName));

    /// <summary>The stock template <paramref name="resourceName"/> embedded in the generator assembly named by <paramref name="assemblyKey"/>.</summary>
    public static string Stock(string assemblyKey, string resourceName)
    {
        using var pe = new PEReader(File.OpenRead(Metadata(assemblyKey)));
        MetadataReader reader = pe.GetMetadataReader();
        ManifestResource resource = reader.ManifestResources.Select(reader.GetManifestResource)
            .Single(r => reader.GetString(r.Name) == resourceName);
        PEMemoryBlock resources = pe.GetSectionData(pe.PEHeaders.CorHeader!.ResourcesDirectory.RelativeVirtualAddress);
        BlobReader blob = resources.GetReader((int)resource.Offset, resources.Length - (int)resource.Offset);
        int length = blob.ReadInt32();
        return Encoding.UTF8.GetString(blob.ReadBytes(length)).TrimStart('\uFEFF');
    }

    /// <summary>The fork without its leading CUSTOM comment and with every marked hunk replaced by the stock lines it records.</summary>
    public static string Unfork(string fork, out int hunks)
    {
        string withoutHeader = CustomComment().Replace(Normalize(fork) + "\n", string.Empty);
        int count = 0;
        string unforked = Hunk().Replace(withoutHeader, m =>
        {
            count++;
            return m.Groups["stock"].Value;
        });
        hunks = count;
        return Normalize(unforked);
    }

    public static string Normalize(string template) => template.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');

    private static string Metadata(string key) =>
        typeof(StockTemplates).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"No {key} in the test assembly's metadata.");

    [GeneratedRegex(@"\A\{%- comment -%\}\nCUSTOM:.*?\{%- endcomment -%\}\n", RegexOptions.Singleline)]
    internal static partial Regex CustomComment();

    [GeneratedRegex(@"^\{%- comment -%\} CUSTOM BEGIN: [^\n]*Stock:\n(?<stock>.*?)\{%- endcomment -%\}\n(?<fork>.*?)^\{%- comment -%\} CUSTOM END \{%- endcomment -%\}\n", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Hunk();
}
