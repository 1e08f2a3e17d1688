// The application code under test: it removes the images whose build failed.
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client;

namespace ImageService.Samples.TestingWithoutAzure;

/// <summary>Deletes the versions of an image whose build failed, and keeps the others.</summary>
public sealed class ImageJanitor(ImageServiceClient client)
{
    /// <summary>Deletes every version of <paramref name="name"/> whose build failed.</summary>
    /// <param name="name">The image name.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The ids of the deleted images.</returns>
    public async Task<IReadOnlyList<string>> DeleteFailedBuildsAsync(string name, CancellationToken cancellationToken = default)
    {
        var deleted = new List<string>();
        await foreach (ImageResponseBase image in client.ListImagesAsync(new ImageListOptions { Name = name }, cancellationToken))
        {
            if (image.CreationState == AsyncOperationState.Failed && await client.DeleteImageAsync(image.Id!, cancellationToken))
            {
                deleted.Add(image.Id!);
            }
        }

        return deleted;
    }
}
