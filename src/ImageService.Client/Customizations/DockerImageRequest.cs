// CUSTOM: the spec requires imageFlavor, and NSwag's property initializer leaves it empty, which the SDK would send as
// "imageFlavor": null and the service answer with a 400 naming nothing. A new request starts with the flavor and type
// almost every caller means; both stay settable.
namespace ImageService.Client;

public partial class DockerImageRequest
{
    /// <summary>
    /// Creates a request for a Docker image that serves a web API: <see cref="ImageFlavor"/> is
    /// <see cref="Client.ImageFlavor.WebApiContainer"/> and <see cref="ImageType"/> is <see cref="Client.ImageType.Docker"/>
    /// until you set them. Set at least <see cref="Name"/>.
    /// </summary>
    public DockerImageRequest()
    {
        ImageFlavor = Client.ImageFlavor.WebApiContainer;
        ImageType = Client.ImageType.Docker;
    }
}
