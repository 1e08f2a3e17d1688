using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http.Headers;

namespace ImageService.Client.Internal;

/// <summary>
/// The one reader of the delay a server asks for, used by the retry strategy and by operation polling alike:
/// <c>x-ms-retry-after-ms</c> (milliseconds), then <c>Retry-After</c> (delta-seconds or an HTTP date). It never throws
/// and never overflows: a value past what <see cref="TimeSpan"/> holds (<c>1e20</c>, <c>Infinity</c>, a 30-digit
/// number) saturates at <see cref="TimeSpan.MaxValue"/>, a past date is zero, and a value it cannot read is ignored.
/// Callers cap the result (<see cref="Cap"/>) before waiting on it.
/// </summary>
internal static class RetryAfter
{
    public const string MillisecondsHeader = "x-ms-retry-after-ms";

    public const string Header = "Retry-After";

    // Above this many milliseconds (about 28,500 years) the tick count would not fit in a long.
    private const double MaxMilliseconds = 9e14;

    // Above this many seconds the same.
    private const long MaxSeconds = 900_000_000_000L;

    /// <summary>The server's requested delay, or null when it sent none that can be read.</summary>
    /// <param name="headers">The response's headers (case-insensitive).</param>
    /// <param name="now">The current time, for an HTTP date (our clock, not the server's Date header).</param>
    public static TimeSpan? Read(IReadOnlyDictionary<string, IEnumerable<string>> headers, DateTimeOffset now) =>
        ReadMilliseconds(First(headers, MillisecondsHeader)) ?? ReadRetryAfter(First(headers, Header), now);

    /// <summary>Caps a delay at <paramref name="max"/>; never negative, also when <paramref name="max"/> is (a budget already spent).</summary>
    public static TimeSpan Cap(TimeSpan delay, TimeSpan max) =>
        delay < TimeSpan.Zero || max < TimeSpan.Zero ? TimeSpan.Zero : delay > max ? max : delay;

    private static string? First(IReadOnlyDictionary<string, IEnumerable<string>> headers, string name) =>
        headers.TryGetValue(name, out IEnumerable<string>? values) ? values.FirstOrDefault()?.Trim() : null;

    private static TimeSpan? ReadMilliseconds(string? value)
    {
        if (value is null
            || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double milliseconds)
            || double.IsNaN(milliseconds) || milliseconds < 0)
        {
            return null;
        }

        return milliseconds >= MaxMilliseconds ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)(milliseconds * TimeSpan.TicksPerMillisecond));
    }

    private static TimeSpan? ReadRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.All(char.IsAsciiDigit))
        {
            // delta-seconds: digits only, however many.
            return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds <= MaxSeconds
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.MaxValue;
        }

        // An HTTP date (RFC 1123, RFC 850 or asctime), parsed by the BCL's own Retry-After grammar.
        if (RetryConditionHeaderValue.TryParse(value, out RetryConditionHeaderValue? parsed) && parsed.Date is { } date)
        {
            TimeSpan wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
