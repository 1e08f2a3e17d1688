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
}
