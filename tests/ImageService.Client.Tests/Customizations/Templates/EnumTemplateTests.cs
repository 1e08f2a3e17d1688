namespace ImageService.Client.Tests.Customizations.Templates;

/// <summary>
/// The fork of NJsonSchema's Enum.liquid replaces the whole template (the extensible enum struct) in one marked hunk
/// that records the stock template it replaced: a new stock template (an NSwag upgrade) or a line added outside the
/// hunk fails here.
/// </summary>
public class EnumTemplateTests
{
    private const string StockResource = "NJsonSchema.CodeGeneration.CSharp.Templates.Enum.liquid";

    [Fact]
    public void Fork_WithItsHunkReverted_IsTheStockTemplate()
    {
        string unforked = StockTemplates.Unfork(StockTemplates.Fork("Enum.liquid"), out int hunks);

        Assert.Equal(1, hunks);
        Assert.Equal(StockTemplates.Normalize(StockTemplates.Stock(StockTemplates.NJsonSchema, StockResource)), unforked);
    }
}
