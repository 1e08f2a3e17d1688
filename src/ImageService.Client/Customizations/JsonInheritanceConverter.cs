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

        // Stream the object: record only the tokens before the discriminator (none when the service sends it first),
        // then create the subtype and fill it from that prefix followed by the rest of the stream.
        int objectDepth = reader.Depth;
        var prefix = new List<(JsonToken Token, object? Value)>(32) { (JsonToken.StartObject, null) };

        // Record strings as strings: the property's type decides later whether one is a date (ReadAsDateTimeOffset
        // parses it then), so a date-like description keeps its exact text.
        DateParseHandling dateParseHandling = reader.DateParseHandling;
        reader.DateParseHandling = DateParseHandling.None;
        string? discriminator = null;
        bool ended = false;
        try
        {
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
                prefix.Add((JsonToken.PropertyName, name));
                if (!reader.Read())
                {
                    throw new JsonSerializationException($"Unexpected end of JSON after property '{name}' of {objectType.Name}.");
                }

                RecordValue(reader, prefix);
                if (string.Equals(name, _discriminatorName, StringComparison.OrdinalIgnoreCase))
                {
                    discriminator = reader.TokenType == JsonToken.String ? (string?)reader.Value : null;
                    break;
                }
            }
        }
        finally
        {
            reader.DateParseHandling = dateParseHandling;
        }

        prefix.Add((JsonToken.EndObject, null));
        Type target = ResolveSubtype(objectType, discriminator);
        object instance = Activator.CreateInstance(target)
            ?? throw new JsonSerializationException($"Could not create an instance of {target.Name}.");

        // One Populate over the recorded prefix and the rest of the stream; Populate fills the instance without coming
        // back through this converter.
        serializer.Populate(new RestOfObjectReader(new RecordedTokenReader(prefix), ended ? null : reader, objectDepth), instance);
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

    /// <summary>Records the value at the reader (a primitive, or a whole object or array) as tokens.</summary>
    private static void RecordValue(JsonReader reader, List<(JsonToken Token, object? Value)> tokens)
    {
        tokens.Add((reader.TokenType, reader.Value));
        if (reader.TokenType is not (JsonToken.StartObject or JsonToken.StartArray or JsonToken.StartConstructor))
        {
            return;
        }

        int depth = reader.Depth;
        while (reader.Read())
        {
            tokens.Add((reader.TokenType, reader.Value));
            if (reader.Depth == depth && reader.TokenType is JsonToken.EndObject or JsonToken.EndArray or JsonToken.EndConstructor)
            {
                return;
            }
        }

        throw new JsonSerializationException("Unexpected end of JSON inside a property value.");
    }

    /// <summary>The subtype for a discriminator value: a case-insensitive match, else the requested type.</summary>
    internal static Type ResolveSubtype(Type requestedType, string? discriminator)
    {
        if (discriminator is not { Length: > 0 } value)
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
/// Reads an object whose start the caller has already consumed: the recorded prefix (which supplies the StartObject),
/// then the source's tokens up to and including the object's EndObject. Once on the source, the token, value, depth
/// and path are the source's own (as Newtonsoft's JsonValidatingReader does), so forwarding costs one call per token and
/// no second copy of the reader's state; typed reads (ReadAsString and the like) go to the source itself, so the
/// values are exactly what the serializer would have read without this converter.
/// </summary>
internal sealed class RestOfObjectReader : JsonReader
{
    private readonly JsonReader _prefix;
    private readonly JsonReader? _source;
    private readonly int _objectDepth;
    private Mode _mode;

    /// <param name="prefix">A reader over the properties read before the discriminator, from StartObject to EndObject.</param>
    /// <param name="source">The reader positioned after the discriminator's value, or null when the object has ended.</param>
    /// <param name="objectDepth">The source's depth at the object's StartObject.</param>
    public RestOfObjectReader(JsonReader prefix, JsonReader? source, int objectDepth)
    {
        _prefix = prefix;
        _source = source;
        _objectDepth = objectDepth;
        _mode = Mode.Prefix;
        CloseInput = false;
    }

    private enum Mode
    {
        Prefix,
        Source,
        Ended,
    }

    public override JsonToken TokenType => _mode == Mode.Source ? _source!.TokenType : base.TokenType;

    public override object? Value => _mode == Mode.Source ? _source!.Value : base.Value;

    public override Type? ValueType => _mode == Mode.Source ? _source!.ValueType : base.ValueType;

    public override char QuoteChar => _mode == Mode.Source ? _source!.QuoteChar : base.QuoteChar;

    // The source's depth counts the enclosing document; the prefix's own depth starts at 0. Both are shifted to the
    // source's scale so that depth comparisons made across the switch (Skip, end-of-object checks) stay consistent.
    public override int Depth => _mode == Mode.Source ? _source!.Depth : base.Depth + _objectDepth;

    public override string Path => _mode == Mode.Source ? _source!.Path : base.Path;

    public override bool Read()
    {
        if (_mode == Mode.Source)
        {
            bool read = _source!.Read();
            EndIfObjectClosed();
            return read;
        }

        return ReadPrefix(static r => r.Read());
    }

    public override string? ReadAsString() => _mode == Mode.Source ? AndEndIfClosed(_source!.ReadAsString()) : ReadPrefix(static r => r.ReadAsString());

    public override int? ReadAsInt32() => _mode == Mode.Source ? AndEndIfClosed(_source!.ReadAsInt32()) : ReadPrefix(static r => r.ReadAsInt32());

    public override bool? ReadAsBoolean() => _mode == Mode.Source ? AndEndIfClosed(_source!.ReadAsBoolean()) : ReadPrefix(static r => r.ReadAsBoolean());

    public override decimal? ReadAsDecimal() => _mode == Mode.Source ? AndEndIfClosed(_source!.ReadAsDecimal()) : ReadPrefix(static r => r.ReadAsDecimal());

    public override double? ReadAsDouble() => _mode == Mode.Source ? AndEndIfClosed(_source!.ReadAsDouble()) : ReadPrefix(static r => r.ReadAsDouble());

    public override DateTime? ReadAsDateTime() => _mode == Mode.Source ? AndEndIfClosed(_source!.ReadAsDateTime()) : ReadPrefix(static r => r.ReadAsDateTime());

    public override DateTimeOffset? ReadAsDateTimeOffset() => _mode == Mode.Source ? AndEndIfClosed(_source!.ReadAsDateTimeOffset()) : ReadPrefix(static r => r.ReadAsDateTimeOffset());

    public override byte[]? ReadAsBytes() => _mode == Mode.Source ? AndEndIfClosed(_source!.ReadAsBytes()) : ReadPrefix(static r => r.ReadAsBytes());

    private T AndEndIfClosed<T>(T value)
    {
        EndIfObjectClosed();
        return value;
    }

    /// <summary>After the object's own EndObject, the reader reports it and reads nothing more.</summary>
    private void EndIfObjectClosed()
    {
        if (_source!.TokenType == JsonToken.EndObject && _source.Depth == _objectDepth)
        {
            SetToken(JsonToken.EndObject);
            _mode = Mode.Ended;
        }
    }

    private T? ReadPrefix<T>(Func<JsonReader, T> read)
    {
        if (_mode == Mode.Ended)
        {
            return default; // past the object's end
        }

        T value = read(_prefix);
        if (_prefix.TokenType == JsonToken.EndObject && _prefix.Depth == 0)
        {
            if (_source is null)
            {
                // The object ended before or at the discriminator: the prefix's closing brace is the object's.
                SetToken(JsonToken.EndObject);
                _mode = Mode.Ended;
                return value;
            }

            // The prefix's closing brace is not the object's end: carry on with the stream.
            _mode = Mode.Source;
            value = read(_source);
            EndIfObjectClosed();
            return value;
        }

        SetToken(_prefix.TokenType, _prefix.Value);
        return value;
    }
}

/// <summary>Replays recorded tokens; the base class derives ReadAsString and the other typed reads from them.</summary>
internal sealed class RecordedTokenReader : JsonReader
{
    private readonly List<(JsonToken Token, object? Value)> _tokens;
    private int _next;

    public RecordedTokenReader(List<(JsonToken Token, object? Value)> tokens)
    {
        _tokens = tokens;
    }

    public override bool Read()
    {
        if (_next >= _tokens.Count)
        {
            return false;
        }

        (JsonToken token, object? value) = _tokens[_next++];
        SetToken(token, value);
        return true;
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
