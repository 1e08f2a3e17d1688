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

        if (reader.TokenType != JsonToken.StartObject)
        {
            throw new JsonSerializationException($"Expected an object for {objectType.Name} but found {reader.TokenType} at '{reader.Path}'.");
        }

        // Stream the object: buffer only the properties before the discriminator (none when the service sends it
        // first), then create the subtype, fill it from that prefix, and read the rest straight from the reader.
        int objectDepth = reader.Depth;
        var prefix = new JObject();
        JToken? discriminator = null;
        bool ended = false;
        while (true)
        {
            if (!reader.Read())
            {
                throw new JsonSerializationException($"Unexpected end of JSON while reading {objectType.Name}.");
            }

            if (reader.TokenType == JsonToken.EndObject)
            {
                ended = true;
                break;
            }

            if (reader.TokenType != JsonToken.PropertyName)
            {
                continue; // comments
            }

            string name = (string)reader.Value!;
            if (!reader.Read())
            {
                throw new JsonSerializationException($"Unexpected end of JSON after property '{name}' of {objectType.Name}.");
            }

            JToken value = JToken.ReadFrom(reader);
            prefix[name] = value; // a repeated property keeps its last value, as JObject.Load does
            if (string.Equals(name, _discriminatorName, StringComparison.OrdinalIgnoreCase))
            {
                discriminator = value;
                break;
            }
        }

        Type target = ResolveSubtype(objectType, discriminator);
        object instance = Activator.CreateInstance(target)
            ?? throw new JsonSerializationException($"Could not create an instance of {target.Name}.");

        // Populate fills the instance without coming back through this converter.
        using (JsonReader prefixReader = prefix.CreateReader())
        {
            serializer.Populate(prefixReader, instance);
        }

        if (!ended)
        {
            serializer.Populate(new RestOfObjectReader(reader, objectDepth), instance);
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
/// Reads the rest of an object whose start the caller has already consumed: a synthetic StartObject, then the source's
/// tokens up to and including the object's EndObject. Values are read by the source itself (ReadAsString and the like
/// go to it), so they are exactly what the serializer would have read without this converter.
/// </summary>
internal sealed class RestOfObjectReader : JsonReader
{
    private readonly JsonReader _source;
    private readonly int _objectDepth;
    private int _state; // 0: before the synthetic StartObject, 1: forwarding, 2: past the object's EndObject

    public RestOfObjectReader(JsonReader source, int objectDepth)
    {
        _source = source;
        _objectDepth = objectDepth;
        CloseInput = false;
    }

    public override string Path => _source.Path;

    public override bool Read()
    {
        switch (_state)
        {
            case 0:
                _state = 1;
                SetToken(JsonToken.StartObject);
                return true;
            case 1:
                if (!_source.Read())
                {
                    return false;
                }

                Mirror();
                return true;
            default:
                return false;
        }
    }

    public override string? ReadAsString() => _state == 1 ? Mirror(_source.ReadAsString()) : base.ReadAsString();

    public override int? ReadAsInt32() => _state == 1 ? Mirror(_source.ReadAsInt32()) : base.ReadAsInt32();

    public override bool? ReadAsBoolean() => _state == 1 ? Mirror(_source.ReadAsBoolean()) : base.ReadAsBoolean();

    public override decimal? ReadAsDecimal() => _state == 1 ? Mirror(_source.ReadAsDecimal()) : base.ReadAsDecimal();

    public override double? ReadAsDouble() => _state == 1 ? Mirror(_source.ReadAsDouble()) : base.ReadAsDouble();

    public override DateTime? ReadAsDateTime() => _state == 1 ? Mirror(_source.ReadAsDateTime()) : base.ReadAsDateTime();

    public override DateTimeOffset? ReadAsDateTimeOffset() => _state == 1 ? Mirror(_source.ReadAsDateTimeOffset()) : base.ReadAsDateTimeOffset();

    public override byte[]? ReadAsBytes() => _state == 1 ? Mirror(_source.ReadAsBytes()) : base.ReadAsBytes();

    private T Mirror<T>(T value)
    {
        Mirror();
        return value;
    }

    private void Mirror()
    {
        SetToken(_source.TokenType, _source.Value);
        if (_source.TokenType == JsonToken.EndObject && _source.Depth == _objectDepth)
        {
            _state = 2;
        }
    }
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
