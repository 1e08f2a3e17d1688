namespace ImageService.Client.Tests.Customizations.Templates;

/// <summary>
/// Class.liquid (no StringEnumConverter on enum properties, an XML doc on AdditionalProperties) and Enum.liquid (the
/// extensible enum struct, one hunk that records the whole stock template) differ from NJsonSchema's stock templates
/// only inside their marked hunks: a line changed outside a hunk, or a new stock template (an NSwag upgrade), fails here.
/// </summary>
public class ForkedTemplateTests
{
    [Theory]
    [InlineData("Class.liquid", "NJsonSchema.CodeGeneration.CSharp.Templates.Class.liquid", 3)]
    [InlineData("Enum.liquid", "NJsonSchema.CodeGeneration.CSharp.Templates.Enum.liquid", 1)]
    public void Fork_WithItsHunksReverted_IsTheStockTemplate(string fork, string stockResource, int hunks)
    {
        string unforked = StockTemplates.Unfork(StockTemplates.Fork(fork), out int found);

        Assert.Equal(hunks, found);
        Assert.Equal(StockTemplates.Normalize(StockTemplates.Stock(StockTemplates.NJsonSchema, stockResource)), unforked);
    }
}
