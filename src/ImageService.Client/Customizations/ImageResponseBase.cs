// CUSTOM: NSwag does not emit the discriminator as a property, so the flavor would be unreadable. This partial adds it
// (the 18th property of the seed record) and maps IoTContainer, which the spec cannot map a second time to the same
// schema, to the Docker shape as the service's own SDK does.
using Newtonsoft.Json;

namespace ImageService.Client;

[JsonInheritanceAlias("IoTContainer", typeof(DockerImageResponse))]
public partial class ImageResponseBase
{
    /// <summary>
    /// The flavor of the image: which shape of image this is. Any value the service sends is kept, including ones this
    /// version of the SDK does not know; an unknown flavor deserializes as <see cref="ImageResponseBase"/>.
    /// </summary>
    [JsonProperty("imageFlavor", Required = Required.Default, NullValueHandling = NullValueHandling.Ignore)]
    public ImageFlavor? ImageFlavor { get; set; }
}
