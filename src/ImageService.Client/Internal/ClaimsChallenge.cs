using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text;

namespace ImageService.Client.Internal;

/// <summary>
/// Reads a Continuous Access Evaluation challenge from a 401: <c>WWW-Authenticate: Bearer ..., error="insufficient_claims",
/// claims="&lt;base64&gt;"</c> (RFC 7235 challenges; Azure.Core's <c>AuthorizationChallengeParser</c> reads the same).
/// </summary>
internal static class ClaimsChallenge
{
    /// <summary>The decoded claims of a CAE challenge in <paramref name="response"/>, or null when it holds none or they cannot be decoded.</summary>
    public static string? GetClaims(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("WWW-Authenticate", out IEnumerable<string>? values))
        {
            return null;
        }

        foreach (string value in values)
        {
            Dictionary<string, string> bearer = ReadBearerParameters(value);
            if (bearer.TryGetValue("error", out string? error)
                && string.Equals(error, "insufficient_claims", StringComparison.OrdinalIgnoreCase)
                && bearer.TryGetValue("claims", out string? encoded)
                && Decode(encoded) is { } claims)
            {
                return claims;
            }
        }

        return null;
    }

    private static string? Decode(string encoded)
    {
        if (encoded.Length == 0)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return null; // not base64: not a challenge this client can answer; the 401 goes back to the caller
        }
    }

    /// <summary>The auth-params of the <c>Bearer</c> challenge(s) in one header value (names case-insensitive).</summary>
    private static Dictionary<string, string> ReadBearerParameters(string header)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        bool inBearer = false;
        int i = 0;
        while (i < header.Length)
        {
            while (i < header.Length && header[i] is ' ' or '\t' or ',')
            {
                i++;
            }

            string name = ReadToken(header, ref i);
            if (name.Length == 0)
            {
                i++; // a stray character: skip it
                continue;
            }

            SkipSpaces(header, ref i);
            if (i < header.Length && header[i] == '=')
            {
                i++;
                SkipSpaces(header, ref i);
                string value = i < header.Length && header[i] == '"' ? ReadQuoted(header, ref i) : ReadToken(header, ref i);
                if (inBearer)
                {
                    parameters.TryAdd(name, value);
                }
            }
            else
            {
                inBearer = string.Equals(name, "Bearer", StringComparison.OrdinalIgnoreCase); // a new challenge starts
            }
        }

        return parameters;
    }

    private static string ReadToken(string text, ref int i)
    {
        int start = i;
        while (i < text.Length && text[i] is not (' ' or '\t' or ',' or '=' or '"'))
        {
            i++;
        }

        return text[start..i];
    }

    private static string ReadQuoted(string text, ref int i)
    {
        var value = new StringBuilder();
        for (i++; i < text.Length && text[i] != '"'; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            value.Append(text[i]);
        }

        i++; // the closing quote
        return value.ToString();
    }

    private static void SkipSpaces(string text, ref int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }
    }
}
