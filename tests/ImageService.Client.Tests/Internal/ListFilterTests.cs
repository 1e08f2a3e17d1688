using System;
using System.Collections.Generic;
using ImageService.Client.Internal;

namespace ImageService.Client.Tests.Internal;

public class ListFilterTests
{
    [Fact]
    public void Format_KeysAndValues_JoinsEntriesInOrder()
    {
        var filter = new Dictionary<string, string?> { ["team"] = "ml", ["any"] = null, ["eq"] = "a=b" };

        Assert.Equal("team=ml,any,eq=a=b", ListFilter.Format(filter, "ImageListOptions.Tags", "filter"));
    }

    [Fact]
    public void Format_Empty_IsNull()
    {
        Assert.Null(ListFilter.Format(new Dictionary<string, string?>(), "ImageListOptions.Tags", "filter"));
    }

    [Theory]
    [InlineData("team", "a,b", "'team' = 'a,b'", "its value contains ','")]
    [InlineData("a,b", null, "'a,b'", "its key contains ','")]
    [InlineData("k=v", "x", "'k=v' = 'x'", "its key contains '='")]
    [InlineData("", "x", "'' = 'x'", "its key is empty")]
    public void Format_EntryTheGrammarCannotExpress_ThrowsNamingTheEntryAndTheReason(string key, string? value, string entry, string reason)
    {
        var filter = new Dictionary<string, string?> { ["fine"] = "1", [key] = value };

        ArgumentException ex = Assert.Throws<ArgumentException>(() => ListFilter.Format(filter, "ImageListOptions.Properties", "filter"));

        Assert.Equal("filter", ex.ParamName);
        Assert.Contains($"The ImageListOptions.Properties entry {entry} cannot be sent: {reason}", ex.Message, StringComparison.Ordinal);
    }
}
