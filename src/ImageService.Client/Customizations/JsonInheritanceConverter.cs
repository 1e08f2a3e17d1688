// CUSTOM: replaces NJsonSchema's JsonInheritanceConverter (excludedTypeNames in nswag.json). The stock converter matches
// the discriminator case-sensitively, silently falls back on an unknown value and strips the discriminator, so the
// flavor is lost. This one matches without regard to case, falls back to the base type for a missing or unknown
// value, and leaves the discriminator in the JSON so the base type's ImageFlavor property keeps it.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ImageService.Client;

/// <summary>Picks the subtype named by a discriminator property, tolerantly.</summary>
internal sealed class JsonInheritanceConverter : JsonConverter
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, Type>> s_subtypesByBase = new();

    [ThreadStatic]
    private static bool t_isWriting;

    private readonly string _discriminatorName;

    public JsonInheritanceConverter(string discriminatorName)
    {
        _discriminatorName = discriminatorName;
    }

    public override bool CanWrite => !t_isWriting;

    public override bool CanConvert(Type objectType) => true;

    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
    {
        if (reader.TokenType == JsonToken.Null)
        {
            return null;
        }

        JObject json = JObject.Load(reader);
        Type target = ResolveSubtype(objectType, json.GetValue(_discriminatorName, StringComparison.OrdinalIgnoreCase));
        object instance = Activator.CreateInstance(target)
            ?? throw new JsonSerializationException($"Could not create an instance of {target.Name}.");
        using (JsonReader objectReader = json.CreateReader())
        {
            // Populate fills the instance without coming back through this converter.
            serializer.Populate(objectReader, instance);
        }

        return instance;
    }

    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
    {
        if (value is null)
        {
            writer.WriteNull();
            return;
        }

        JObject json;
        try
        {
            t_isWriting = true;
            json = JObject.FromObject(value, serializer);
        }
        finally
        {
            t_isWriting = false;
        }

        if (json.GetValue(_discriminatorName, StringComparison.OrdinalIgnoreCase) is null or { Type: JTokenType.Null }
            && DiscriminatorOf(value.GetType()) is { } discriminator)
        {
            json.AddFirst(new JProperty(_discriminatorName, discriminator));
        }

        json.WriteTo(writer);
    }

    /// <summary>The subtype for a discriminator value: a case-insensitive match, else the requested type.</summary>
    internal static Type ResolveSubtype(Type requestedType, JToken? discriminator)
    {
        if (discriminator is not { Type: JTokenType.String } || (string?)discriminator is not { Length: > 0 } value)
        {
            return requestedType;
        }

        return SubtypesOf(requestedType).TryGetValue(value, out Type? subtype) && requestedType.IsAssignableFrom(subtype)
            ? subtype
            : requestedType;
    }

    private static string? DiscriminatorOf(Type type)
    {
        for (Type? current = type.BaseType; current is not null; current = current.BaseType)
        {
            foreach (JsonInheritanceAttribute attribute in current.GetCustomAttributes<JsonInheritanceAttribute>(inherit: false))
            {
                if (attribute.Type == type && attribute is not JsonInheritanceAliasAttribute)
                {
                    return attribute.Key;
                }
            }
        }

        return null;
    }

    private static IReadOnlyDictionary<string, Type> SubtypesOf(Type type) => s_subtypesByBase.GetOrAdd(type, static t =>
    {
        var map = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        for (Type? current = t; current is not null; current = current.BaseType)
        {
            foreach (JsonInheritanceAttribute attribute in current.GetCustomAttributes<JsonInheritanceAttribute>(inherit: false))
            {
                map.TryAdd(attribute.Key, attribute.Type);
            }
        }

        return map;
    });
}

/// <summary>
/// Another discriminator value that selects a subtype on read; writing still uses the spec's own mapping.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
internal sealed class JsonInheritanceAliasAttribute : JsonInheritanceAttribute
{
    public JsonInheritanceAliasAttribute(string key, Type type)
        : base(key, type)
    {
    }
}
