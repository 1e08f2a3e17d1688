using System.Linq;
using System.Reflection;
using ImageService.Client.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace ImageService.Client.Tests.Models;

public class ExtensibleEnumTests
{
    /// <summary>Every enum schema of the spec, with its values as the spec lists them.</summary>
    public static TheoryData<string, string> SpecEnums
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach ((YamlNode name, YamlNode schema) in SpecDocument.Schemas)
            {
                if (((YamlMappingNode)schema).Children.TryGetValue("enum", out YamlNode? values))
                {
                    data.Add(name.ToString(), string.Join(",", ((YamlSequenceNode)values).Select(v => v.ToString())));
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SpecEnums))]
    public void KnownValues_EveryEnum_AreTheSpecValuesInOrder(string schemaName, string values)
    {
        System.Type type = typeof(ImageFlavor).Assembly.GetType("ImageService.Client." + schemaName)!;
        var known = (System.Collections.IEnumerable)type.GetProperty("KnownValues", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

        Assert.Equal(values.Split(','), known.Cast<object>().Select(v => v.ToString()));
    }

    [Fact]
    public void Equals_DifferentCase_IsEqualWithSameHashCode()
    {
        ImageFlavor shouted = "WEBAPICONTAINER";

        Assert.True(shouted == ImageFlavor.WebApiContainer);
        Assert.False(shouted != ImageFlavor.WebApiContainer);
        Assert.Equal(ImageFlavor.WebApiContainer.GetHashCode(), shouted.GetHashCode());
        Assert.Equal("WEBAPICONTAINER", shouted.ToString());
    }

    [Fact]
    public void Equals_DifferentValue_IsNotEqual()
    {
        Assert.NotEqual(ImageFlavor.WebApiContainer, ImageFlavor.IoTContainer);

        // A value the spec can never add (see ImageResponseBaseTests): unknown today and tomorrow.
        Assert.False(new ImageFlavor("Zz-Unknown-Flavor").IsKnown);
    }

    [Fact]
    public void Default_HasEmptyStringAndIsUnknown()
    {
        Assert.Equal(string.Empty, default(ImageFlavor).ToString());
        Assert.False(default(ImageFlavor).IsKnown);
    }
}
