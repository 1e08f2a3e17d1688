using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace ImageService.Emulator;

/// <summary>Options of an <see cref="ImageServiceEmulator"/>: where it listens, what it accepts, how fast builds run.</summary>
/// <remarks>Every option has a default that serves tests and the samples; none is required.</remarks>
public sealed class EmulatorOptions
{
    /// <summary>The URL Kestrel listens on. <value>The default value is <c>http://127.0.0.1:0</c> (a free port).</value></summary>
    public string Url { get; set; } = "http://127.0.0.1:0";

    /// <summary>The one accepted bearer token. <value>The default value is <c>emulator-token</c>.</value></summary>
    public string Token { get; set; } = DefaultToken;

    /// <summary>The subscription id of the emulated workspace.</summary>
    public string SubscriptionId { get; set; } = "00000000-0000-0000-0000-000000000000";

    /// <summary>The resource group of the emulated workspace.</summary>
    public string ResourceGroup { get; set; } = "emulator-rg";

    /// <summary>The name of the emulated workspace.</summary>
    public string Workspace { get; set; } = "emulator-ws";

    /// <summary>The SQLite file that persists the state; null keeps everything in memory.</summary>
    public string? DataFile { get; set; }

    /// <summary>How long an operation stays NotStarted, and then how long it stays Running. <value>The default value is 300 ms.</value></summary>
    public TimeSpan BuildStepDuration { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>The poll delay sent in <c>x-ms-retry-after-ms</c> while an operation runs (<c>Retry-After</c> is always 1 second);
    /// null means half of <see cref="BuildStepDuration"/>.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Whether the models <c>sklearn-model:1</c>, <c>onnx-resnet:1</c> and <c>onnx-resnet:2</c> are registered at first start.
    /// <value>The default value is true.</value></summary>
    public bool SeedModels { get; set; } = true;

    /// <summary>Faults injected by configuration.</summary>
    public FaultOptions Faults { get; set; } = new();

    /// <summary>How many of the newest requests <see cref="ImageServiceEmulator.Requests"/> keeps (older ones are dropped, so
    /// memory stays bounded however many requests arrive; 0 keeps none). <value>The default value is 1,000.</value></summary>
    public int RequestLogCapacity { get; set; } = DefaultRequestLogCapacity;

    /// <summary>How many of an image's newest tag maps <see cref="EmulatedImage.TagHistory"/> keeps (in memory only; the count of
    /// all of them is <see cref="EmulatedImage.TagChangeCount"/>). At least 1. <value>The default value is 10.</value></summary>
    public int TagHistoryCapacity { get; set; } = DefaultTagHistoryCapacity;

    /// <summary>The minimum level of the emulator's own log. <value>The default value is <see cref="LogLevel.Warning"/>.</value></summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>The clock. <value>The default value is <see cref="TimeProvider.System"/>.</value></summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal TimeSpan EffectiveRetryAfter => RetryAfter ?? TimeSpan.FromTicks(BuildStepDuration.Ticks / 2);

    /// <summary>The default accepted bearer token.</summary>
    public const string DefaultToken = "emulator-token";

    /// <summary>The default of <see cref="RequestLogCapacity"/>.</summary>
    public const int DefaultRequestLogCapacity = 1_000;

    /// <summary>The default of <see cref="TagHistoryCapacity"/>.</summary>
    public const int DefaultTagHistoryCapacity = 10;

    /// <summary>Throws, naming the option, when one is out of range (at start-up, before anything listens).</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Url, nameof(Url));
        ArgumentException.ThrowIfNullOrWhiteSpace(Token, nameof(Token));
        if (RequestLogCapacity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestLogCapacity), RequestLogCapacity, "EmulatorOptions.RequestLogCapacity must be 0 or more.");
        }

        if (TagHistoryCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TagHistoryCapacity), TagHistoryCapacity, "EmulatorOptions.TagHistoryCapacity must be 1 or more.");
        }

        if (BuildStepDuration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BuildStepDuration), BuildStepDuration, "EmulatorOptions.BuildStepDuration cannot be negative.");
        }

        _ = Faults.ParsedRates();
    }
}

/// <summary>Faults injected at random by configuration (per request, the header <c>x-emulator-fault</c> does the same on demand).</summary>
public sealed class FaultOptions
{
    /// <summary>
    /// The probability (0 to 1) of each fault kind per request, for instance <c>{ ["503"] = 0.2, ["latency:50"] = 0.1 }</c>:
    /// the kinds of <see cref="EmulatorFault.Kind"/>. The probabilities add up to at most 1; an unknown kind or a
    /// probability out of range fails <see cref="ImageServiceEmulator.StartAsync"/>.
    /// </summary>
    public IDictionary<string, double> Rates { get; } = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The seed of the random draw: the same seed and the same request sequence give the same faults.</summary>
    public int Seed { get; set; }

    /// <summary>The delay sent in <c>x-ms-retry-after-ms</c> with injected 429 and 503 answers. <value>The default value is 100 ms.</value></summary>
    public TimeSpan ThrottleRetryAfter { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The rates above zero, by fault, in a stable order (the draw depends on it); throws when one is invalid.</summary>
    internal IEnumerable<KeyValuePair<EmulatorFault, double>> ParsedRates()
    {
        var parsed = new List<KeyValuePair<EmulatorFault, double>>();
        foreach (var (kind, rate) in Rates.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (!EmulatorFault.TryParse(kind, out var fault))
            {
                throw new ArgumentException($"FaultOptions.Rates has an unknown fault kind '{kind}'. Known: {EmulatorFault.KnownKinds}.", nameof(Rates));
            }

            if (double.IsNaN(rate) || rate is < 0 or > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(Rates), rate, $"FaultOptions.Rates['{kind}'] must be a probability between 0 and 1.");
            }

            if (rate > 0)
            {
                parsed.Add(new(fault!, rate));
            }
        }

        if (parsed.Sum(r => r.Value) > 1 + 1e-9)
        {
            throw new ArgumentOutOfRangeException(nameof(Rates), parsed.Sum(r => r.Value), "The FaultOptions.Rates add up to more than 1: at most one fault applies per request.");
        }

        return parsed;
    }
}
