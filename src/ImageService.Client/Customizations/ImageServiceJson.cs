// CUSTOM: the one place that says how this SDK reads and writes JSON, shared by the generated client and the facade.
using Newtonsoft.Json;

namespace ImageService.Client;

internal static class ImageServiceJson
{
    public static JsonSerializerSettings Configure(JsonSerializerSettings settings)
    {
        settings.DateParseHandling = DateParseHandling.DateTimeOffset;
        settings.DateTimeZoneHandling = DateTimeZoneHandling.RoundtripKind;
        settings.NullValueHandling = NullValueHandling.Ignore;
        settings.MaxDepth = ImageServiceRestClient.MaxJsonDepth;
        settings.MetadataPropertyHandling = MetadataPropertyHandling.Ignore;
        settings.TypeNameHandling = TypeNameHandling.None;
        return settings;
    }

    public static JsonSerializerSettings CreateSettings() => Configure(new JsonSerializerSettings());

    public static JsonSerializer CreateSerializer() => JsonSerializer.Create(CreateSettings());
}
