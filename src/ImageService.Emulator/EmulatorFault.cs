using System;
using System.Globalization;

namespace ImageService.Emulator;

/// <summary>
/// A fault the emulator can inject instead of (or after) handling a request: the kinds of the <c>x-emulator-fault</c>
/// header, for <see cref="ImageServiceEmulator.InjectFault"/> and <see cref="FaultOptions.Rates"/>. Some act before the
/// request is processed (the service did nothing), some after (it did); <see cref="IsProcessed"/> says which.
/// </summary>
public sealed class EmulatorFault : IEquatable<EmulatorFault>
{
    private const string LatencyPrefix = "latency:";

    private EmulatorFault(string kind, bool isProcessed)
    {
        Kind = kind;
        IsProcessed = isProcessed;
    }

    /// <summary>429 <c>TooManyRequests</c> with <c>Retry-After</c>; the request is not processed (<c>429</c>).</summary>
    public static EmulatorFault TooManyRequests { get; } = new("429", false);

    /// <summary>503 <c>ServiceUnavailable</c> with <c>Retry-After</c>; the request is not processed (<c>503</c>).</summary>
    public static EmulatorFault ServiceUnavailable { get; } = new("503", false);

    /// <summary>500 <c>InternalServerError</c>; the request is not processed (<c>500</c>).</summary>
    public static EmulatorFault InternalServerError { get; } = new("500", false);

    /// <summary>The connection is aborted without an answer; the request is not processed (<c>drop</c>).</summary>
    public static EmulatorFault DropConnection { get; } = new("drop", false);

    /// <summary>The request IS processed, then its answer is replaced by a 500 (<c>500-after</c>).</summary>
    public static EmulatorFault InternalServerErrorAfterProcessing { get; } = new("500-after", true);

    /// <summary>The request IS processed, then the connection is aborted (<c>drop-after</c>).</summary>
    public static EmulatorFault DropConnectionAfterProcessing { get; } = new("drop-after", true);

    /// <summary>The request IS processed; the answer has its real status and headers and half its body, then the connection ends (<c>truncate</c>).</summary>
    public static EmulatorFault TruncatedResponse { get; } = new("truncate", true);

    /// <summary>The request IS processed; the answer is 200 with a body that is not JSON (<c>malformed</c>).</summary>
    public static EmulatorFault MalformedResponse { get; } = new("malformed", true);

    /// <summary>The kind as the <c>x-emulator-fault</c> header spells it, for example <c>503</c> or <c>latency:250</c>.</summary>
    public string Kind { get; }

    /// <summary>Whether the request is processed (the service acted) before the fault shows, so that a retry may act twice.</summary>
    public bool IsProcessed { get; }

    /// <summary>The delay of a <see cref="Latency"/> fault; <see cref="TimeSpan.Zero"/> for every other kind.</summary>
    public TimeSpan Delay => Kind.StartsWith(LatencyPrefix, StringComparison.Ordinal)
        ? TimeSpan.FromMilliseconds(long.Parse(Kind.AsSpan(LatencyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture))
        : TimeSpan.Zero;

    /// <summary>Waits <paramref name="delay"/>, then processes the request normally; if the client gives up during the wait, nothing happens (<c>latency:&lt;ms&gt;</c>).</summary>
    /// <param name="delay">The wait, in whole milliseconds, 0 to 24 hours.</param>
    /// <returns>The fault.</returns>
    public static EmulatorFault Latency(TimeSpan delay)
    {
        if (delay < TimeSpan.Zero || delay > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "A latency fault waits between 0 and 24 hours.");
        }

        return new EmulatorFault(LatencyPrefix + ((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), true);
    }

    /// <summary>Reads a kind as the <c>x-emulator-fault</c> header spells it (case-insensitive, surrounding spaces ignored).</summary>
    /// <param name="kind">For example <c>503</c>, <c>drop-after</c> or <c>latency:250</c>.</param>
    /// <param name="fault">The fault, or null when the kind is unknown.</param>
    /// <returns>Whether the kind is known.</returns>
    public static bool TryParse(string? kind, out EmulatorFault? fault)
    {
        string text = kind?.Trim() ?? "";
        fault = text.ToLowerInvariant() switch
        {
            "429" => TooManyRequests,
            "503" => ServiceUnavailable,
            "500" => InternalServerError,
            "drop" => DropConnection,
            "500-after" => InternalServerErrorAfterProcessing,
            "drop-after" => DropConnectionAfterProcessing,
            "truncate" => TruncatedResponse,
            "malformed" => MalformedResponse,
            _ when text.StartsWith(LatencyPrefix, StringComparison.OrdinalIgnoreCase)
                && long.TryParse(text.AsSpan(LatencyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long ms)
                && ms <= (long)TimeSpan.FromDays(1).TotalMilliseconds => Latency(TimeSpan.FromMilliseconds(ms)),
            _ => null,
        };
        return fault is not null;
    }

    /// <inheritdoc/>
    public bool Equals(EmulatorFault? other) => other is not null && Kind == other.Kind;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as EmulatorFault);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Kind);

    /// <summary>The kind, as the header spells it.</summary>
    /// <returns><see cref="Kind"/>.</returns>
    public override string ToString() => Kind;

    /// <summary>The kinds the header accepts, for error messages.</summary>
    internal const string KnownKinds = "429, 503, 500, 500-after, drop, drop-after, latency:<ms>, truncate, malformed";
}
