using ImageService.Client.Generation;

namespace ImageService.Client;

/// <summary>Options of <see cref="ImageServiceClient.GetImageAsync(string, ImageGetOptions?, System.Threading.CancellationToken)"/>. Every option is optional.</summary>
/// <remarks>
/// The options are generated at build time from the query parameters of the spec's <c>Images_QueryById</c> operation
/// (openapi/images.yaml), each documented with its spec description: a parameter the spec adds appears here with no
/// hand edit (see <see cref="ImageListOptions"/> for how the generation works).
/// </remarks>
[GeneratedQueryOptions(nameof(ImageServiceRestClient.Images_QueryByIdAsync))]
public sealed partial class ImageGetOptions
{
}
