using System;
using System.IO;
using YamlDotNet.RepresentationModel;

namespace ImageService.Client.Tests.TestSupport;

/// <summary>openapi/images.yaml as the tests read it (copied next to the test assembly): tests follow the spec, not a copy of it.</summary>
public static class SpecDocument
{
    private static readonly Lazy<YamlMappingNode> s_root = new(() =>
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "openapi", "images.yaml")))
        {
            yaml.Load(reader);
        }

        return (YamlMappingNode)yaml.Documents[0].RootNode;
    });

    public static YamlMappingNode Root => s_root.Value;

    public static YamlMappingNode Components => (YamlMappingNode)Root["components"];

    public static YamlMappingNode Schemas => (YamlMappingNode)Components["schemas"];
}
