using System;
using System.Collections.Generic;
using System.Text;

namespace ImageService.Client.Internal;

/// <summary>
/// The service's tag and property filter grammar: comma-separated entries, each <c>key</c> (any value) or
/// <c>key=value</c>, split at the first <c>=</c>. The grammar has no escape, so a key or value that contains a comma,
/// or a key that contains <c>=</c> (or is empty), cannot be expressed: sent as is, it would become other filters and
/// match the wrong images. Such an entry is refused before any request.
/// </summary>
internal static class ListFilter
{
    /// <summary>The query value for <paramref name="filter"/>, or null when it is empty.</summary>
    /// <param name="filter">Keys, each with a value to match or null to match any value.</param>
    /// <param name="name">What the filter is, for the message (for example <c>ImageListOptions.Tags</c>).</param>
    /// <param name="paramName">The caller's parameter that holds the filter.</param>
    /// <exception cref="ArgumentException">An entry the grammar cannot express; the message names it.</exception>
    public static string? Format(IDictionary<string, string?> filter, string name, string paramName)
    {
        if (filter.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (KeyValuePair<string, string?> pair in filter)
        {
            string? problem = string.IsNullOrEmpty(pair.Key) ? "its key is empty"
                : pair.Key.Contains(',', StringComparison.Ordinal) ? "its key contains ','"
                : pair.Key.Contains('=', StringComparison.Ordinal) ? "its key contains '='"
                : pair.Value?.Contains(',', StringComparison.Ordinal) == true ? "its value contains ','"
                : null;
            if (problem is not null)
            {
                string entry = pair.Value is null ? $"'{pair.Key}'" : $"'{pair.Key}' = '{pair.Value}'";
                throw new ArgumentException(
                    $"The {name} entry {entry} cannot be sent: {problem}, and the service's filter grammar (comma-separated 'key' or 'key=value') has no escape for it. Filter on the other entries and check this one on the results.",
                    paramName);
            }

            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(pair.Key);
            if (pair.Value is not null)
            {
                text.Append('=').Append(pair.Value);
            }
        }

        return text.ToString();
    }
}
