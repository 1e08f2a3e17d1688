using System;
using System.Collections.Generic;
using Newtonsoft.Json;

namespace ImageService.Client.Tests.Patching;

public class ImagePatchTests
{
    [Fact]
    public void Operations_AllKinds_SerializeToValidJsonPatch()
    {
        var patch = new ImagePatch()
            .ReplaceDescription("new description")
            .ReplaceTags(new Dictionary<string, string> { ["stage"] = "prod", ["a"] = "1" })
            .AddProperties(new Dictionary<string, string> { ["owner/team"] = "x", ["til~de"] = "y" });

        string json = JsonConvert.SerializeObject(patch.Operations);

        Assert.Equal(
            """[{"op":"replace","path":"/description","value":"new description"},{"op":"replace","path":"/kvTags","value":{"a":"1","stage":"prod"}},{"op":"add","path":"/properties/owner~1team","value":"x"},{"op":"add","path":"/properties/til~0de","value":"y"}]""",
            json);
    }

    [Fact]
    public void AddProperties_EmptyKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ImagePatch().AddProperties(new Dictionary<string, string> { [""] = "x" }));
    }

    [Fact]
    public void ReplaceTags_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new ImagePatch().ReplaceTags(null!));
    }

    [Fact]
    public void AddTagsAndRemoveTags_KeysWithSlashAndTilde_AreEscapedPerRfc6901()
    {
        var patch = new ImagePatch()
            .AddTags(new Dictionary<string, string> { ["b/c"] = "1", ["a~"] = "2" })
            .RemoveTags(["~1/"]);

        string json = JsonConvert.SerializeObject(patch.Operations);

        Assert.Equal(
            """[{"op":"add","path":"/kvTags/a~0","value":"2"},{"op":"add","path":"/kvTags/b~1c","value":"1"},{"op":"add","path":"/kvTags/~01~1","value":""},{"op":"remove","path":"/kvTags/~01~1"}]""",
            json);
    }

    [Fact]
    public void AddTags_EmptyKeyOrNullValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ImagePatch().AddTags(new Dictionary<string, string> { [""] = "x" }));
        Assert.Throws<ArgumentException>(() => new ImagePatch().AddTags(new Dictionary<string, string> { ["k"] = null! }));
    }

    [Fact]
    public void RemoveTags_EmptyKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ImagePatch().RemoveTags([""]));
    }
}
