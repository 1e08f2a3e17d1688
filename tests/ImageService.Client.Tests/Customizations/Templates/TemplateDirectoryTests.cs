using System.IO;
using System.Linq;

namespace ImageService.Client.Tests.Customizations.Templates;

/// <summary>A template in Customizations/Templates silently replaces NSwag's: each one needs a guard test that diffs it against the stock one.</summary>
public class TemplateDirectoryTests
{
    [Fact]
    public void Forks_AreExactlyTheGuardedOnes()
    {
        string[] forks = Directory.GetFiles(StockTemplates.ForkDirectory).Select(f => Path.GetFileName(f)).Order().ToArray();

        // Class.liquid and Enum.liquid: ForkedTemplateTests; File.Header.liquid: FileHeaderTemplateTests.
        Assert.Equal(["Class.liquid", "Enum.liquid", "File.Header.liquid"], forks);
    }
}
