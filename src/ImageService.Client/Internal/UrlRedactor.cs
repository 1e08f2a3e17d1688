using System;
using System.Text;

namespace ImageService.Client.Internal;

/// <summary>Turns a request URI into something safe to log: the path, and query names with their values redacted.</summary>
internal static class UrlRedactor
{
    public const string Redacted = "REDACTED";

    public static string Redact(Uri? uri)
    {
        if (uri is null)
        {
            return string.Empty;
        }

        if (!uri.IsAbsoluteUri)
        {
            string text = uri.OriginalString;
            int q = text.IndexOf('?', StringComparison.Ordinal);
            return q < 0 ? text : text[..q] + RedactQuery(text[(q + 1)..]);
        }

        return uri.AbsolutePath + RedactQuery(uri.Query.TrimStart('?'));
    }

    private static string RedactQuery(string query)
    {
        if (query.Length == 0)
        {
            return string.Empty;
        }

        var builder = new StringBuilder("?");
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (builder.Length > 1)
            {
                builder.Append('&');
            }

            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            builder.Append(eq < 0 ? pair : pair[..eq]).Append('=').Append(Redacted);
        }

        return builder.ToString();
    }
}
