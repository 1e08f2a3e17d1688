namespace ImageService.Client.Tests.Customizations.Templates;

/// <summary>
/// The fork of NJsonSchema's Class.liquid (no StringEnumConverter on enum properties, an XML doc on
/// AdditionalProperties) differs from the stock template only inside its marked hunks.
/// </summary>
public class ClassTemplateTests
{
    private const string StockResource = "NJsonSchema.CodeGeneration.CSharp.Templates.Class.liquid";

    [Fact]
    public void Fork_WithItsHunksReverted_IsTheStockTemplate()
    {
        string unforked = StockTemplates.Unfork(StockTemplates.Fork("Class.liquid"), out int hunks);

        Assert.Equal(3, hunks);
        Assert.Equal(StockTemplates.Normalize(StockTemplates.Stock(StockTemplates.NJsonSchema, StockResource)), unforked);
    }
}
