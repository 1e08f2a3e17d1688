// CUSTOM: partial hooks of the generated client. Serializer settings shared by every call: dates keep their offsets,
// nulls are not sent, and a depth limit stops an absurdly nested body before it exhausts the stack.
using Newtonsoft.Json;

namespace ImageService.Client;

internal partial class ImageServiceRestClient
{
    /// <summary>The deepest JSON nesting a response may have; real bodies stay under 10.</summary>
    internal const int MaxJsonDepth = 64;

    static partial void UpdateJsonSerializerSettings(JsonSerializerSettings settings) => ImageServiceJson.Configure(settings);
}
