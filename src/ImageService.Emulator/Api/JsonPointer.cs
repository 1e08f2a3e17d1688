using System.Collections.Generic;
using System.Text;

namespace ImageService.Emulator.Api;

/// <summary>
/// JSON Pointer (RFC 6901), as JSON Patch paths use it: <c>/</c> separates reference tokens, <c>~1</c> stands for
/// <c>/</c> and <c>~0</c> for <c>~</c>, and any other <c>~</c> is an error. There are no <c>.</c> or <c>..</c>
/// segments: <c>/kvTags/../id</c> is three tokens, the middle one a key named <c>..</c>.
/// </summary>
internal static class JsonPointer
{
    /// <summary>The reference tokens of <paramref name="pointer"/>, unescaped; false with the reason when it is not a pointer.</summary>
    public static bool TryParse(string pointer, out IReadOnlyList<string> tokens, out string? error)
    {
        var parsed = new List<string>();
        tokens = parsed;
        error = null;
        if (pointer.Length == 0)
        {
            return true; // the whole document
        }

        if (pointer[0] != '/')
        {
            error = "it must be empty or start with '/'.";
            return false;
        }

        var token = new StringBuilder();
        for (int i = 1; i <= pointer.Length; i++)
        {
            if (i == pointer.Length || pointer[i] == '/')
            {
                parsed.Add(token.ToString());
                token.Clear();
                continue;
            }

            if (pointer[i] != '~')
            {
                token.Append(pointer[i]);
                continue;
            }

            char next = i + 1 < pointer.Length ? pointer[i + 1] : '\0';
            if (next is not ('0' or '1'))
            {
                string escape = i + 1 < pointer.Length ? $"~{next}" : "~";
                error = $"'{escape}' at position {i} is not an escape: '~' must be followed by 0 ('~') or 1 ('/').";
                return false;
            }

            token.Append(next == '0' ? '~' : '/');
            i++;
        }

        return true;
    }
}
