using System;
using System.Collections.Generic;
using System.Linq;

namespace ImageService.Client;

/// <summary>
/// Builds a JSON Patch (RFC 6902) document for <see cref="ImageServiceClient.UpdateImageAsync"/>. Only paths the
/// service accepts can be built: the whole tag map (the service replaces it whole), new properties (properties are
/// immutable, so they can only be added), and the description.
/// </summary>
/// <example><code>var patch = new ImagePatch().ReplaceDescription("v2").ReplaceTags(new Dictionary&lt;string, string&gt; { ["stage"] = "prod" });</code></example>
public sealed class ImagePatch
{
    private readonly List<JsonPatchOperation> _operations = new();

    /// <summary>Gets the operations built so far, in order.</summary>
    public IReadOnlyList<JsonPatchOperation> Operations => _operations;

    /// <summary>Replaces the whole tag map (<c>/kvTags</c>) with <paramref name="tags"/>.</summary>
    /// <param name="tags">The new tags; an empty map removes every tag.</param>
    /// <returns>This patch, for chaining.</returns>
    public ImagePatch ReplaceTags(IDictionary<string, string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        _operations.Add(new JsonPatchOperation { Op = "replace", Path = "/kvTags", Value = new SortedDictionary<string, string>(tags, StringComparer.Ordinal) });
        return this;
    }

    /// <summary>Adds each of <paramref name="properties"/> as <c>/properties/{key}</c>.</summary>
    /// <param name="properties">The properties to add; keys must not be empty.</param>
    /// <returns>This patch, for chaining.</returns>
    public ImagePatch AddProperties(IDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        foreach (KeyValuePair<string, string> pair in properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrEmpty(pair.Key))
            {
                throw new ArgumentException("A property key must not be empty.", nameof(properties));
            }

            _operations.Add(new JsonPatchOperation { Op = "add", Path = "/properties/" + EscapePointer(pair.Key), Value = pair.Value });
        }

        return this;
    }

    /// <summary>Replaces the description.</summary>
    /// <param name="description">The new description.</param>
    /// <returns>This patch, for chaining.</returns>
    public ImagePatch ReplaceDescription(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        _operations.Add(new JsonPatchOperation { Op = "replace", Path = "/description", Value = description });
        return this;
    }

    /// <summary>Escapes a JSON Pointer reference token (RFC 6901): <c>~</c> becomes <c>~0</c>, <c>/</c> becomes <c>~1</c>.</summary>
    internal static string EscapePointer(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
