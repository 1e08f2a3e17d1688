using System;
using System.Runtime.CompilerServices;

namespace ImageService.Client.Internal;

/// <summary>
/// What may be a path segment of a request. The generated client percent-escapes every id, but <c>.</c> and <c>..</c>
/// contain nothing to escape, and <see cref="Uri"/> removes them as dot segments (RFC 3986): <c>images/..</c> would
/// address the workspace, <c>images/.</c> the image list. No other value is rewritten once escaped (a test sends a set
/// of awkward ids and checks the path on the wire), so these two are refused before any request.
/// </summary>
internal static class PathSegment
{
    public static bool IsDotSegment(string? value) => value is "." or "..";

    /// <summary>Throws <see cref="ArgumentException"/> for a null, blank, <c>.</c> or <c>..</c> id.</summary>
    public static void ThrowIfInvalid(string? value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, paramName);
        if (IsDotSegment(value))
        {
            throw new ArgumentException($"'{value}' is not a valid id: '.' and '..' cannot be sent as a path segment (they would address another resource).", paramName);
        }
    }
}
