using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json.Nodes;
using ImageService.Client.Tests.TestSupport;

namespace ImageService.Client.Tests;

/// <summary>
/// The client (src/ImageService.Client/nswag.json) and the emulator (src/ImageService.Emulator/nswag.json) generate
/// the same DTOs from the same spec: the emulator must read and write exactly what the client does. Their settings
/// cannot live in one file: nswag.json has no include or inheritance, the two use different generators
/// (openApiToCSharpClient, openApiToCSharpController), and NSwag's <c>$(...)</c> variables would still list every key in
/// both files. So this test is the single source of truth: every key both files set has the same value, except the
/// few below (each with its reason), and every DTO setting (a property of NJsonSchema's C# generator settings, read
/// from the NSwag.MSBuild package) that one file sets, the other sets too.
/// </summary>
public class NSwagSettingsTests
{
    /// <summary>Keys both files set that differ on purpose.</summary>
    private static readonly Dictionary<string, string> s_differOnPurpose = new(StringComparer.Ordinal)
    {
        ["namespace"] = "the client's DTOs are its public API; the emulator's contracts are its own",
        ["className"] = "one client class against one controller per tag",
        ["operationGenerationMode"] = "one client class against one controller per tag",
        ["generateOptionalParameters"] = "client methods take optional parameters; controller actions bind every parameter",
        ["generateDataAnnotations"] = "the emulator answers bad input the way the service does (WorkspaceAndModelStateFilter), not with ASP.NET Core's model-validation 400",
        ["excludedTypeNames"] = "the client brings its own JsonInheritanceConverter (Customizations/JsonInheritanceConverter.cs); the emulator uses the generated one",
        ["templateDirectory"] = "the same directory, written relative to each project (checked below)",
    };

    [Fact]
    public void SharedKeys_HaveTheSameValue_ExceptTheListedOnes()
    {
        JsonObject client = Settings("ImageService.Client", "openApiToCSharpClient");
        JsonObject emulator = Settings("ImageService.Emulator", "openApiToCSharpController");

        string[] differing = client.Select(p => p.Key)
            .Where(key => emulator.ContainsKey(key) && !s_differOnPurpose.ContainsKey(key) && !JsonNode.DeepEquals(client[key], emulator[key]))
            .Select(key => $"{key}: client {client[key]?.ToJsonString()}, emulator {emulator[key]?.ToJsonString()}")
            .ToArray();

        Assert.True(differing.Length == 0, "The two nswag.json files differ on shared keys (align them, or list the key in s_differOnPurpose with the reason):\n" + string.Join("\n", differing));
        Assert.All(s_differOnPurpose.Keys, key => Assert.True(client.ContainsKey(key) && emulator.ContainsKey(key), $"{key} is listed as differing on purpose but is not set in both files."));
    }

    [Fact]
    public void DtoSettings_SetInOneFile_AreSetInBoth()
    {
        JsonObject client = Settings("ImageService.Client", "openApiToCSharpClient");
        JsonObject emulator = Settings("ImageService.Emulator", "openApiToCSharpController");
        HashSet<string> dtoSettings = DtoSettingNames();

        Assert.Contains("arrayType", dtoSettings); // the reflection found NJsonSchema's settings

        string[] oneSided = client.Select(p => p.Key).Concat(emulator.Select(p => p.Key)).Distinct()
            .Where(key => dtoSettings.Contains(key) && client.ContainsKey(key) != emulator.ContainsKey(key))
            .ToArray();
        Assert.True(oneSided.Length == 0, "DTO settings set in only one nswag.json (set them in both): " + string.Join(", ", oneSided));
    }

    [Fact]
    public void TemplateDirectory_IsTheSameDirectoryForBoth()
    {
        JsonObject emulatorDocument = Document("ImageService.Emulator");
        string clientTemplates = (string)Settings("ImageService.Client", "openApiToCSharpClient")["templateDirectory"]!;
        string emulatorDefault = ((string)emulatorDocument["defaultVariables"]!).Split(',')
            .Select(v => v.Split('=', 2)).Single(v => v[0] == "TemplateDirectory")[1];

        Assert.Equal("$(TemplateDirectory)", (string?)Settings("ImageService.Emulator", "openApiToCSharpController")["templateDirectory"]);
        Assert.Equal(
            Path.GetFullPath(RepoFiles.Path("src", "ImageService.Client", clientTemplates)),
            Path.GetFullPath(RepoFiles.Path("src", "ImageService.Emulator", emulatorDefault)));
    }

    private static JsonObject Document(string project) => JsonNode.Parse(RepoFiles.Read("src", project, "nswag.json"))!.AsObject();

    private static JsonObject Settings(string project, string generator) => Document(project)["codeGenerators"]![generator]!.AsObject();

    /// <summary>The nswag.json keys of NJsonSchema's C# generator settings (camel-cased property names).</summary>
    private static HashSet<string> DtoSettingNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string assembly, string type) in new[] { ("NJsonSchemaCodeGenerationCSharp", "CSharpGeneratorSettings"), ("NJsonSchemaCodeGeneration", "CodeGeneratorSettingsBase") })
        {
            string path = typeof(NSwagSettingsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == assembly).Value!;
            using var pe = new PEReader(File.OpenRead(path));
            MetadataReader reader = pe.GetMetadataReader();
            TypeDefinition definition = reader.TypeDefinitions.Select(reader.GetTypeDefinition).Single(t => reader.GetString(t.Name) == type);
            foreach (PropertyDefinitionHandle property in definition.GetProperties())
            {
                string name = reader.GetString(reader.GetPropertyDefinition(property).Name);
                names.Add(char.ToLowerInvariant(name[0]) + name[1..]);
            }
        }

        return names;
    }
}
