using System;
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
        string fork = StockTemplates.Fork("File.Header.liquid");

        string unforked = EmulatorCondition().Replace(StockTemplates.CustomComment().Replace(fork, string.Empty), "$1");

        Assert.Equal(Normalize(StockTemplate()), Normalize(unforked));
    }

    [Fact]
    public void Fork_Cs1591Suppression_OnlyForTheEmulatorContracts()
    {
        string fork = StockTemplates.Fork("File.Header.liquid");

        Match condition = EmulatorCondition().Match(fork);

        Assert.True(condition.Success, "The CS1591 line is not inside the emulator-only condition.");
        Assert.Contains("disable 1591", condition.Groups[1].Value, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(fork, "disable 1591"));
    }

    private static string StockTemplate() => StockTemplates.Stock(StockTemplates.NSwag, StockResource);

    private static string Normalize(string template) => StockTemplates.Normalize(template);

    [GeneratedRegex(@"\{% if Namespace == ""ImageService\.Emulator\.Contracts"" -%\}\n(.*?\n)\{% endif -%\}\n", RegexOptions.Singleline)]
    private static partial Regex EmulatorCondition();
}
