using System;
using System.Collections.Generic;
using System.Linq;

namespace ImageService.Client;

/// <summary>
/// Builds a JSON Patch (RFC 6902) document for <see cref="ImageServiceClient.UpdateImageAsync"/>. Only paths the
/// service accepts can be built: single tags (<c>/kvTags/{key}</c>) or the whole tag map, new properties (properties
/// are immutable, so they can only be added), and the description. The service applies a patch atomically, so
/// per-key operations never undo a concurrent change to another key.
/// </summary>
/// <example><code>var patch = new ImagePatch().ReplaceDescription("v2").ReplaceTags(new Dictionary&lt;string, string&gt; { ["stage"] = "prod" });</code></example>
public sealed class ImagePatch
{
    private readonly List<JsonPatchOperation> _operations = new();

    /// <summary>Gets the operations built so far, in order.</summary>
    public IReadOnlyList<JsonPatchOperation> Operations => _operations;

    /// <summary>
    /// Replaces the whole tag map (<c>/kvTags</c>) with <paramref name="tags"/>: whatever tags the image has when the
    /// service applies the patch, including any another caller just added, are replaced. To change some tags and keep
    /// the others, use <see cref="AddTags"/> and <see cref="RemoveTags"/>.
    /// </summary>
    /// <param name="tags">The new tags; an empty map removes every tag.</param>
    /// <returns>This patch, for chaining.</returns>
    public ImagePatch ReplaceTags(IDictionary<string, string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        _operations.Add(new JsonPatchOperation { Op = "replace", Path = "/kvTags", Value = new SortedDictionary<string, string>(tags, StringComparer.Ordinal) });
        return this;
    }

    /// <summary>
    /// Adds or overwrites each of <paramref name="tags"/> as its own operation (<c>add /kvTags/{key}</c>), keeping every
    /// other tag, including tags that other callers change at the same time.
    /// </summary>
    /// <param name="tags">The tags to add or overwrite; keys must not be empty, values must not be null.</param>
    /// <returns>This patch, for chaining.</returns>
    public ImagePatch AddTags(IDictionary<string, string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (KeyValuePair<string, string> pair in tags.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            ThrowIfInvalidKey(pair.Key, "tag", nameof(tags));
            if (pair.Value is null)
            {
                throw new ArgumentException($"The tag '{pair.Key}' has no value; remove it with RemoveTags instead.", nameof(tags));
            }

            _operations.Add(new JsonPatchOperation { Op = "add", Path = "/kvTags/" + EscapePointer(pair.Key), Value = pair.Value });
        }

        return this;
    }

    /// <summary>
    /// Removes each of <paramref name="keys"/> (<c>remove /kvTags/{key}</c>), keeping every other tag. A key that is not
    /// there is not an error: RFC 6902 makes removing a missing member fail, so each removal is preceded by an
    /// <c>add</c> of the same key in the same (atomic) patch, which leaves the key absent either way.
    /// </summary>
    /// <param name="keys">The tag keys to remove; keys must not be empty.</param>
    /// <returns>This patch, for chaining.</returns>
    public ImagePatch RemoveTags(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (string key in keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            ThrowIfInvalidKey(key, "tag", nameof(keys));
            string path = "/kvTags/" + EscapePointer(key);
            _operations.Add(new JsonPatchOperation { Op = "add", Path = path, Value = string.Empty });
            _operations.Add(new JsonPatchOperation { Op = "remove", Path = path });
        }

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
            ThrowIfInvalidKey(pair.Key, "property", nameof(properties));

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

    private static void ThrowIfInvalidKey(string? key, string what, string paramName)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"A {what} key must not be empty.", paramName);
        }
    }

    /// <summary>Escapes a JSON Pointer reference token (RFC 6901): <c>~</c> becomes <c>~0</c>, <c>/</c> becomes <c>~1</c>.</summary>
    internal static string EscapePointer(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
