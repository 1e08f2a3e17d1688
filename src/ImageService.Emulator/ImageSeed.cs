using System.Collections.Generic;
using ImageService.Emulator.Contracts;

namespace ImageService.Emulator;

/// <summary>
/// An image to add with <see cref="ImageServiceEmulator.SeedImageAsync"/>: what a create request would say. The emulator
/// assigns the version (the last one of the name plus one), the id, the times and the build's output.
/// </summary>
public sealed class ImageSeed
{
    /// <summary>Creates a seed.</summary>
    /// <param name="name">The image name: 3 to 32 characters, lower-case letters, digits, '-' and '.'.</param>
    public ImageSeed(string name) => Name = name;

    /// <summary>The image name.</summary>
    public string Name { get; }

    /// <summary>The description. <value>The default value is null (none).</value></summary>
    public string? Description { get; set; }

    /// <summary>The flavor: <c>WebApiContainer</c>, <c>BatchContainer</c>, <c>IoTContainer</c>, <c>AccelContainer</c> or
    /// <c>UserProvidedContainer</c>. <value>The default value is <c>WebApiContainer</c>.</value></summary>
    public string ImageFlavor { get; set; } = "WebApiContainer";

    /// <summary>The tags (<c>kvTags</c>). <value>The default value is empty: the image has none (<c>null</c> on the wire).</value></summary>
    public IDictionary<string, string> Tags { get; } = new Dictionary<string, string>();

    /// <summary>The properties. <value>The default value is empty: the image has none (<c>null</c> on the wire).</value></summary>
    public IDictionary<string, string> Properties { get; } = new Dictionary<string, string>();

    /// <summary>The ids of the models in the image; each must exist (the seeded ones are <c>sklearn-model:1</c>,
    /// <c>onnx-resnet:1</c> and <c>onnx-resnet:2</c>). <value>The default value is empty (<c>null</c> on the wire).</value></summary>
    public IList<string> ModelIds { get; } = new List<string>();

    /// <summary>Whether the build failed: the image and its operation are <c>Failed</c> with <c>ImageBuildFailed</c>.
    /// <value>The default value is false: <c>Succeeded</c>, with an image location.</value></summary>
    public bool BuildFailed { get; set; }

    internal DockerImageRequest ToRequest() => new()
    {
        Name = Name,
        Description = Description,
        ImageFlavor = new Contracts.ImageFlavor(ImageFlavor),
        KvTags = Tags.Count == 0 ? null : new Dictionary<string, string>(Tags),
        Properties = Properties.Count == 0 ? null : new Dictionary<string, string>(Properties),
        ModelIds = ModelIds.Count == 0 ? null : [.. ModelIds],
    };
}
