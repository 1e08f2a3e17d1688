using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ImageService.Client.Generators;

/// <summary>
/// What openapi/images.yaml deprecates among the query parameters of its operations, with the spec's words
/// (<c>x-deprecatedMessage</c>, else the description): a deprecated operation deprecates every parameter of it.
/// Keyed by operationId and the parameter's normalized name (the one <see cref="QueryOptionsGenerator"/> compares).
/// </summary>
internal sealed class SpecDeprecations : IEquatable<SpecDeprecations>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private readonly ImmutableSortedDictionary<string, string> _messages;

    private SpecDeprecations(ImmutableSortedDictionary<string, string> messages) => _messages = messages;

    public static SpecDeprecations None { get; } = new(ImmutableSortedDictionary<string, string>.Empty);

    /// <summary>The message of a deprecated parameter of the operation, or null.</summary>
    public string? Find(string operationId, string normalizedParameter) =>
        _messages.TryGetValue(operationId + "|" + normalizedParameter, out string? message) ? message : null;

    public static SpecDeprecations Merge(ImmutableArray<SpecDeprecations> specs) =>
        specs.Length == 1 ? specs[0] : new(specs.SelectMany(s => s._messages).GroupBy(m => m.Key).ToImmutableSortedDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal));

    /// <summary>Reads an OpenAPI document; a file that is not one (or not valid YAML) deprecates nothing.</summary>
    public static SpecDeprecations Read(string? yaml)
    {
        if (string.IsNullOrWhiteSpace(yaml))
        {
            return None;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException)
        {
            return None; // the build's NSwag step reports a spec it cannot read
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root || Child(root, "paths") is not YamlMappingNode paths)
        {
            return None;
        }

        var componentParameters = Child(Child(root, "components") as YamlMappingNode, "parameters") as YamlMappingNode;
        var messages = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var path in paths.Children.Values.OfType<YamlMappingNode>())
        {
            var shared = Child(path, "parameters") as YamlSequenceNode;
            foreach (string method in Methods)
            {
                if (Child(path, method) is not YamlMappingNode operation || Scalar(operation, "operationId") is not { } operationId)
                {
                    continue;
                }

                string? operationMessage = Deprecation(operation);
                var parameters = (shared?.Children ?? []).Concat((Child(operation, "parameters") as YamlSequenceNode)?.Children ?? []);
                foreach (var parameter in parameters.Select(p => Resolve(p, componentParameters)).OfType<YamlMappingNode>())
                {
                    if (Scalar(parameter, "name") is { } name && (Deprecation(parameter) ?? operationMessage) is { } message)
                    {
                        messages[operationId + "|" + Normalize(name)] = message;
                    }
                }
            }
        }

        return new SpecDeprecations(messages.ToImmutable());
    }

    /// <summary>The spec's "x-deprecatedMessage" (else its description) when the item is deprecated, else null.</summary>
    private static string? Deprecation(YamlMappingNode item) =>
        Scalar(item, "deprecated") is { } flag && flag.Equals("true", StringComparison.OrdinalIgnoreCase)
            ? Scalar(item, "x-deprecatedMessage") ?? Scalar(item, "description") ?? "Deprecated by the service (openapi/images.yaml gives no reason)."
            : null;

    private static YamlNode? Resolve(YamlNode node, YamlMappingNode? componentParameters) =>
        node is YamlMappingNode map && Scalar(map, "$ref") is { } reference && reference.StartsWith("#/components/parameters/", StringComparison.Ordinal)
            ? Child(componentParameters, reference.Substring("#/components/parameters/".Length))
            : node;

    private static YamlNode? Child(YamlMappingNode? map, string key) =>
        map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? value : null;

    private static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value?.Trim();

    /// <summary>The spec's name and the C# parameter NSwag made of it compare equal ("$skipToken", "skipToken").</summary>
    internal static string Normalize(string name) => new(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    public bool Equals(SpecDeprecations? other) => other is not null && _messages.SequenceEqual(other._messages);

    public override bool Equals(object? obj) => Equals(obj as SpecDeprecations);

    public override int GetHashCode() => _messages.Count;
}
