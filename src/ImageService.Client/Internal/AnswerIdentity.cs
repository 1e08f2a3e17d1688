using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using Newtonsoft.Json;

namespace ImageService.Client.Internal;

/// <summary>
/// Answer identity: where a request names the resource (an image, an operation, a profile), an answer that names
/// another one is refused with <see cref="ImageServiceException"/>, and the connection it came on is closed
/// (<see cref="ConnectionTracking.CloseCurrent"/>). Such an answer is another call's: a proxy, a load balancer or a
/// broken server that sent one response too many has shifted the answers of a keep-alive connection by one.
/// </summary>
/// <remarks>
/// An answer that names nothing (no <c>id</c>) is not refused: it contradicts nothing. Ids are compared ignoring case,
/// as the service's names are.
/// </remarks>
internal static class AnswerIdentity
{
    public static ImageResponseBase Image(ImageResponseBase image, string imageId, int status) =>
        Expect(image, image.Id, imageId, "image", status);

    public static AsyncOperationStatus Operation(AsyncOperationStatus operation, string operationId, int status) =>
        Expect(operation, operation.Id, operationId, "operation", status);

    public static ProfileResponse Profile(ProfileResponse profile, string imageId, string profileId, int status)
    {
        Expect(profile, profile.ImageId, imageId, "the image of profile", status);
        return Expect(profile, profile.Name, profileId, "profile", status);
    }

    /// <summary>
    /// A delete's answer has no body; a body that names another image is another call's answer (read synchronously:
    /// it is already in memory, <see cref="ResponseSizeLimitHandler"/>).
    /// </summary>
    public static void Deleted(HttpResponseMessage response)
    {
        if (response.RequestMessage is not { Method.Method: "DELETE", RequestUri: { } uri }
            || !response.IsSuccessStatusCode
            || response.Content is not ByteArrayContent content
            || content.Headers.ContentLength is null or 0)
        {
            return;
        }

        string imageId = Uri.UnescapeDataString(uri.Segments[^1].TrimEnd('/'));
        Expect(response, ReadId(content), imageId, "image", (int)response.StatusCode);
    }

    private static T Expect<T>(T answer, string? answered, string requested, string what, int status)
    {
        if (answered is null || string.Equals(answered, requested, StringComparison.OrdinalIgnoreCase))
        {
            return answer;
        }

        ConnectionTracking.CloseCurrent();
        throw new ImageServiceException(
            status,
            $"The image service answered the request for {what} '{requested}' with {what} '{answered}': the answer was refused, and the connection it came on closed. A proxy, load balancer or server on the way handed this call another call's answer; calling again is safe.");
    }

    /// <summary>The top-level <c>id</c> of a JSON object body; null if there is none, or the body is not such an object.</summary>
    private static string? ReadId(HttpContent content)
    {
        try
        {
            // Copied, not read: the content's read stream stays where it is for whoever reads the body next.
            using var body = new MemoryStream();
            content.CopyTo(body, null, CancellationToken.None);
            body.Position = 0;
            using var reader = new JsonTextReader(new StreamReader(body));
            if (!reader.Read() || reader.TokenType != JsonToken.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonToken.PropertyName)
            {
                if (string.Equals((string?)reader.Value, "id", StringComparison.Ordinal))
                {
                    return reader.ReadAsString();
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: names nothing.
        }

        return null;
    }
}
