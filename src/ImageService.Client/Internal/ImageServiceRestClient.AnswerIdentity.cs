using System.Net.Http;
using ImageService.Client.Internal;

namespace ImageService.Client;

/// <summary>
/// The generated client's answers that the facade never sees (a delete's), checked as they arrive through the hook in
/// Customizations/ImageServiceRestClient.cs. Here, with the rest of <see cref="AnswerIdentity"/>, so that the
/// customisations compile without the SDK's internals (the spec-evolution tests compile them alone).
/// </summary>
internal partial class ImageServiceRestClient
{
    static partial void CheckAnswerIdentity(HttpResponseMessage response) => AnswerIdentity.Deleted(response);
}
