using System;
using System.Collections.Generic;
using Azure.Core;
using ImageService.Client.Internal;
using Microsoft.Extensions.Logging;

namespace ImageService.Client;

/// <summary>
/// Settings of an <see cref="ImageServiceClient"/>: where the service is, how to authenticate, and how hard to try.
/// </summary>
/// <remarks>
/// Numeric and time settings are checked when the client is built (or at <c>ValidateOnStart</c> through dependency
/// injection); a failure names the option and the offending value.
/// </remarks>
public sealed class ImageServiceClientOptions
{
    /// <summary>The default token scope: Azure Resource Manager.</summary>
    public const string DefaultScope = "https://management.azure.com/.default";

    /// <summary>The default number of retries after the first attempt.</summary>
    public const int DefaultMaxRetryAttempts = 3;

    /// <summary>The largest accepted <see cref="MaxRetryAttempts"/>.</summary>
    public const int MaxRetryAttemptsLimit = 10;

    /// <summary>The default maximum response body size: 16 MiB.</summary>
    public const long DefaultMaxResponseBytes = 16L * 1024 * 1024;

    /// <summary>The default minimum number of requests in a sampling window before the circuit breaker can open.</summary>
    public const int DefaultCircuitBreakerMinimumThroughput = 20;

    /// <summary>The default ratio of failed requests that opens the circuit.</summary>
    public const double DefaultCircuitBreakerFailureRatio = 0.5;

    /// <summary>The default base delay of the exponential retry back-off: 0.8 seconds.</summary>
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(800);

    /// <summary>The default cap on a single retry delay: 1 minute.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromMinutes(1);

    /// <summary>The default timeout of one HTTP attempt: 30 seconds.</summary>
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default budget of one HTTP call including its retries: 100 seconds.</summary>
    public static readonly TimeSpan DefaultTotalRequestTimeout = TimeSpan.FromSeconds(100);

    /// <summary>The default sampling window of the circuit breaker: 60 seconds (at least twice the attempt timeout).</summary>
    public static readonly TimeSpan DefaultCircuitBreakerSamplingDuration = TimeSpan.FromSeconds(60);

    /// <summary>The default time the circuit stays open: 5 seconds.</summary>
    public static readonly TimeSpan DefaultCircuitBreakerBreakDuration = TimeSpan.FromSeconds(5);

    /// <summary>The default interval between polls of a long-running operation: 5 seconds.</summary>
    public static readonly TimeSpan DefaultPollingInterval = TimeSpan.FromSeconds(5);

    /// <summary>The default shortest wait between two polls of a long-running operation: 1 second.</summary>
    public static readonly TimeSpan DefaultMinimumPollingInterval = TimeSpan.FromSeconds(1);

    /// <summary>The default budget for waiting on a long-running operation: 30 minutes.</summary>
    public static readonly TimeSpan DefaultOperationTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Gets or sets the service endpoint, for example <c>https://westus.api.azureml.ms/</c>.</summary>
    /// <value>The default value is <see langword="null"/>; the option is required.</value>
    /// <remarks>
    /// Must be absolute and https, or http to a loopback host (an emulator). A trailing slash is added if missing. The
    /// host alone (or a proxy's prefix): the client adds the <c>/modelmanagement/v1.0/subscriptions/…/workspaces/…</c>
    /// path itself, and an endpoint that already contains it is refused.
    /// </remarks>
    [RequiredOption]
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the Azure subscription id of the workspace.</summary>
    /// <value>The default value is <see langword="null"/>; the option is required.</value>
    [RequiredOption]
    [NotDotSegment]
    public string? SubscriptionId { get; set; }

    /// <summary>Gets or sets the resource group of the workspace.</summary>
    /// <value>The default value is <see langword="null"/>; the option is required.</value>
    [RequiredOption]
    [NotDotSegment]
    public string? ResourceGroup { get; set; }

    /// <summary>Gets or sets the workspace name.</summary>
    /// <value>The default value is <see langword="null"/>; the option is required.</value>
    [RequiredOption]
    [NotDotSegment]
    public string? Workspace { get; set; }

    /// <summary>Gets or sets the credential that issues bearer tokens.</summary>
    /// <value>The default value is <see langword="null"/>: no <c>Authorization</c> header is sent (useful against a local emulator only).</value>
    public TokenCredential? Credential { get; set; }

    /// <summary>Gets the scopes requested from <see cref="Credential"/>.</summary>
    /// <value>The default value is one scope, <see cref="DefaultScope"/>.</value>
    public IList<string> Scopes { get; } = new List<string> { DefaultScope };

    /// <summary>
    /// Gets the origins (<c>scheme://host[:port]</c>) besides <see cref="Endpoint"/>'s that may receive the token, for
    /// example when the service returns a <c>nextLink</c> or an <c>Operation-Location</c> on another host.
    /// </summary>
    /// <value>The default value is empty: the token only goes to the endpoint's origin.</value>
    public IList<Uri> AdditionalAllowedOrigins { get; } = new List<Uri>();

    /// <summary>Gets or sets how many times a failed request is retried.</summary>
    /// <value>The default value is 3 (<see cref="DefaultMaxRetryAttempts"/>). Allowed: 0 to 10.</value>
    [OptionRange(0, MaxRetryAttemptsLimit)]
    public int MaxRetryAttempts { get; set; } = DefaultMaxRetryAttempts;

    /// <summary>Gets or sets the base delay of the exponential back-off (with jitter) between retries.</summary>
    /// <value>The default value is 0.8 seconds (<see cref="DefaultBaseDelay"/>). Zero retries at once.</value>
    [OptionRange("00:00:00", "1.00:00:00")]
    public TimeSpan BaseDelay { get; set; } = DefaultBaseDelay;

    /// <summary>Gets or sets the cap on a single retry delay, also applied to a server's <c>Retry-After</c> (on retries and between polls of a long-running operation).</summary>
    /// <value>The default value is 1 minute (<see cref="DefaultMaxDelay"/>).</value>
    [OptionRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = DefaultMaxDelay;

    /// <summary>Gets or sets the timeout of one HTTP attempt.</summary>
    /// <value>The default value is 30 seconds (<see cref="DefaultAttemptTimeout"/>).</value>
    [OptionRange("00:00:00.010", "1.00:00:00")] // Polly's timeouts start at 10 ms
    public TimeSpan AttemptTimeout { get; set; } = DefaultAttemptTimeout;

    /// <summary>Gets or sets the timeout of one HTTP call, all its attempts and retry delays included.</summary>
    /// <value>The default value is 100 seconds (<see cref="DefaultTotalRequestTimeout"/>).</value>
    [OptionRange("00:00:00.010", "1.00:00:00")]
    public TimeSpan TotalRequestTimeout { get; set; } = DefaultTotalRequestTimeout;

    /// <summary>
    /// Gets or sets a value indicating whether calls go through a circuit breaker, which fails calls at once for
    /// <see cref="CircuitBreakerBreakDuration"/> after too many failures (the <c>CircuitBreaker*</c> options). Off by
    /// default, as in the Azure SDKs: each call is bounded by its own retries and timeouts. Turn it on to shed load
    /// from a service that is failing, for example under a high call rate.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool CircuitBreakerEnabled { get; set; }

    /// <summary>Gets or sets the ratio of failures within <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit (with <see cref="CircuitBreakerEnabled"/>).</summary>
    /// <value>The default value is 0.5 (<see cref="DefaultCircuitBreakerFailureRatio"/>). Allowed: above 0, up to 1; checked only when the breaker is on.</value>
    [OptionRange(0d, 1d, MinimumIsExclusive = true, OnlyWithCircuitBreaker = true)]
    public double CircuitBreakerFailureRatio { get; set; } = DefaultCircuitBreakerFailureRatio;

    /// <summary>Gets or sets the minimum number of requests in a sampling window before the circuit can open (with <see cref="CircuitBreakerEnabled"/>).</summary>
    /// <value>The default value is 20 (<see cref="DefaultCircuitBreakerMinimumThroughput"/>). Allowed: 2 or more; checked only when the breaker is on.</value>
    [OptionRange(2, OnlyWithCircuitBreaker = true)] // Polly's minimum
    public int CircuitBreakerMinimumThroughput { get; set; } = DefaultCircuitBreakerMinimumThroughput;

    /// <summary>Gets or sets the sampling window of the circuit breaker (with <see cref="CircuitBreakerEnabled"/>).</summary>
    /// <value>The default value is 60 seconds (<see cref="DefaultCircuitBreakerSamplingDuration"/>); at least twice <see cref="AttemptTimeout"/>; checked only when the breaker is on.</value>
    [OptionRange("00:00:00.500", "1.00:00:00", OnlyWithCircuitBreaker = true)] // Polly's circuit-breaker windows start at 0.5 s
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = DefaultCircuitBreakerSamplingDuration;

    /// <summary>Gets or sets how long the circuit stays open before a trial request (with <see cref="CircuitBreakerEnabled"/>).</summary>
    /// <value>The default value is 5 seconds (<see cref="DefaultCircuitBreakerBreakDuration"/>).</value>
    [OptionRange("00:00:00.500", "1.00:00:00", OnlyWithCircuitBreaker = true)]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = DefaultCircuitBreakerBreakDuration;

    /// <summary>Gets or sets the interval between polls of a long-running operation when the service sends no <c>Retry-After</c>.</summary>
    /// <value>The default value is 5 seconds (<see cref="DefaultPollingInterval"/>).</value>
    [OptionRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan PollingInterval { get; set; } = DefaultPollingInterval;

    /// <summary>
    /// Gets or sets the shortest wait between two polls of a long-running operation when the service asks for a
    /// shorter one (<c>Retry-After: 0</c>, a past date, <c>x-ms-retry-after-ms: 0</c>), so that a misbehaving service is
    /// never polled in a tight loop. A longer <c>Retry-After</c> is honoured up to <see cref="MaxDelay"/>. The
    /// <see cref="PollingInterval"/> you set (used when the service sends no <c>Retry-After</c>) is not raised.
    /// </summary>
    /// <value>The default value is 1 second (<see cref="DefaultMinimumPollingInterval"/>). Allowed: 0 (no floor) to 1 day.</value>
    [OptionRange("00:00:00", "1.00:00:00")]
    public TimeSpan MinimumPollingInterval { get; set; } = DefaultMinimumPollingInterval;

    /// <summary>
    /// Gets or sets how long <c>WaitForCompletionAsync</c> waits for a long-running operation, separate from the
    /// per-request timeouts.
    /// </summary>
    /// <value>The default value is 30 minutes (<see cref="DefaultOperationTimeout"/>).</value>
    [OptionRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan OperationTimeout { get; set; } = DefaultOperationTimeout;

    /// <summary>
    /// Gets or sets the largest response body the client reads, in bytes. Every body is read into memory within the
    /// call's timeouts before it is deserialized, so this also bounds the memory one response takes.
    /// </summary>
    /// <value>The default value is 16 MiB (<see cref="DefaultMaxResponseBytes"/>). Allowed: 1 byte to 2 GiB.</value>
    [OptionRange(1L, 2L * 1024 * 1024 * 1024, MaximumNote = "(2 GiB)")] // a body is held in one array while it is deserialized
    public long MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    /// <summary>Gets or sets the clock used for retry delays, timeouts, token expiry and polling.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="TimeProvider.System"/>.</value>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Gets or sets the logger factory of a client built with <c>new ImageServiceClient(options)</c>.</summary>
    /// <value>The default value is <see langword="null"/>: no logs. Dependency injection fills it from the container.</value>
    public ILoggerFactory? LoggerFactory { get; set; }
}
