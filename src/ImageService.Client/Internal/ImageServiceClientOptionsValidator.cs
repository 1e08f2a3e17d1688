using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace ImageService.Client.Internal;

/// <summary>
/// Every rule on the options, for both construction paths: the DataAnnotations (required settings), ranges with the
/// offending value, and rules across options. The failures of a named client start with its name.
/// </summary>
internal sealed class ImageServiceClientOptionsValidator : IValidateOptions<ImageServiceClientOptions>
{
    private const long MaxResponseBytesLimit = 2L * 1024 * 1024 * 1024;

    private static readonly TimeSpan s_maxTimeSpan = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, ImageServiceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = Failures(options);
        if (failures.Count > 0 && !string.IsNullOrEmpty(name))
        {
            failures = failures.ConvertAll(f => Invariant($"Client '{name}': {f}"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The same rules, for a client built without dependency injection.</summary>
    public static void ThrowIfInvalid(ImageServiceClientOptions options)
    {
        List<string> failures = Failures(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ImageServiceClientOptions), failures);
        }
    }

    private static List<string> Failures(ImageServiceClientOptions options)
    {
        var failures = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            foreach (ValidationResult result in results)
            {
                failures.Add(result.ErrorMessage ?? "ImageServiceClientOptions is invalid.");
            }
        }

        if (options.Endpoint is { } endpoint)
        {
            if (!endpoint.IsAbsoluteUri)
            {
                failures.Add(Invariant($"ImageServiceClientOptions.Endpoint ('{endpoint}') must be an absolute URI."));
            }
            else if (endpoint.Scheme != Uri.UriSchemeHttps && !(endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback))
            {
                failures.Add(Invariant($"ImageServiceClientOptions.Endpoint ('{endpoint}') must use https; http is allowed only for a loopback host."));
            }
            else if (!string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.Fragment))
            {
                failures.Add(Invariant($"ImageServiceClientOptions.Endpoint ('{endpoint}') must not have a query or a fragment."));
            }
        }

        for (int i = 0; i < options.AdditionalAllowedOrigins.Count; i++)
        {
            Uri? origin = options.AdditionalAllowedOrigins[i];
            if (origin is null || !origin.IsAbsoluteUri || (origin.Scheme != Uri.UriSchemeHttps && origin.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add(Invariant($"ImageServiceClientOptions.AdditionalAllowedOrigins[{i}] ('{origin}') must be an absolute http or https URI."));
            }
        }

        if (options.Scopes.Count == 0 || options.Scopes.Contains(string.Empty))
        {
            failures.Add("ImageServiceClientOptions.Scopes must contain at least one scope and no empty scope.");
        }

        if (options.MaxRetryAttempts is < 0 or > ImageServiceClientOptions.MaxRetryAttemptsLimit)
        {
            failures.Add(Invariant($"ImageServiceClientOptions.MaxRetryAttempts ({options.MaxRetryAttempts}) must be between 0 and {ImageServiceClientOptions.MaxRetryAttemptsLimit}."));
        }

        // The lower bounds are Polly's own (timeouts from 10 ms, circuit-breaker windows from 0.5 s).
        CheckRange(failures, nameof(options.BaseDelay), options.BaseDelay, TimeSpan.Zero);
        CheckRange(failures, nameof(options.MaxDelay), options.MaxDelay, TimeSpan.FromMilliseconds(1));
        CheckRange(failures, nameof(options.AttemptTimeout), options.AttemptTimeout, TimeSpan.FromMilliseconds(10));
        CheckRange(failures, nameof(options.TotalRequestTimeout), options.TotalRequestTimeout, TimeSpan.FromMilliseconds(10));
        CheckRange(failures, nameof(options.CircuitBreakerSamplingDuration), options.CircuitBreakerSamplingDuration, TimeSpan.FromMilliseconds(500));
        CheckRange(failures, nameof(options.CircuitBreakerBreakDuration), options.CircuitBreakerBreakDuration, TimeSpan.FromMilliseconds(500));
        CheckRange(failures, nameof(options.PollingInterval), options.PollingInterval, TimeSpan.FromMilliseconds(1));
        CheckRange(failures, nameof(options.MinimumPollingInterval), options.MinimumPollingInterval, TimeSpan.Zero);
        CheckRange(failures, nameof(options.OperationTimeout), options.OperationTimeout, TimeSpan.FromMilliseconds(1));

        if (options.BaseDelay > options.MaxDelay)
        {
            failures.Add(Invariant($"ImageServiceClientOptions.BaseDelay ({options.BaseDelay}) must not be greater than MaxDelay ({options.MaxDelay})."));
        }

        if (options.AttemptTimeout > options.TotalRequestTimeout)
        {
            failures.Add(Invariant($"ImageServiceClientOptions.AttemptTimeout ({options.AttemptTimeout}) must not be greater than TotalRequestTimeout ({options.TotalRequestTimeout})."));
        }

        if (options.CircuitBreakerSamplingDuration < options.AttemptTimeout * 2)
        {
            failures.Add(Invariant($"ImageServiceClientOptions.CircuitBreakerSamplingDuration ({options.CircuitBreakerSamplingDuration}) must be at least twice AttemptTimeout ({options.AttemptTimeout})."));
        }

        if (options.PollingInterval > options.OperationTimeout)
        {
            failures.Add(Invariant($"ImageServiceClientOptions.PollingInterval ({options.PollingInterval}) must not be greater than OperationTimeout ({options.OperationTimeout})."));
        }

        if (!(options.CircuitBreakerFailureRatio > 0 && options.CircuitBreakerFailureRatio <= 1))
        {
            failures.Add(Invariant($"ImageServiceClientOptions.CircuitBreakerFailureRatio ({options.CircuitBreakerFailureRatio}) must be greater than 0 and at most 1."));
        }

        if (options.CircuitBreakerMinimumThroughput < 2)
        {
            failures.Add(Invariant($"ImageServiceClientOptions.CircuitBreakerMinimumThroughput ({options.CircuitBreakerMinimumThroughput}) must be at least 2."));
        }

        // A body is held in one array while it is deserialized.
        if (options.MaxResponseBytes is <= 0 or > MaxResponseBytesLimit)
        {
            failures.Add(Invariant($"ImageServiceClientOptions.MaxResponseBytes ({options.MaxResponseBytes}) must be between 1 and {MaxResponseBytesLimit} (2 GiB)."));
        }

        // The workspace path's segments: '.' and '..' would be removed from the URL and address another resource.
        foreach ((string option, string? value) in new[] { (nameof(options.SubscriptionId), options.SubscriptionId), (nameof(options.ResourceGroup), options.ResourceGroup), (nameof(options.Workspace), options.Workspace) })
        {
            if (PathSegment.IsDotSegment(value))
            {
                failures.Add(Invariant($"ImageServiceClientOptions.{option} ('{value}') must not be '.' or '..'."));
            }
        }

        return failures;
    }

    private static void CheckRange(List<string> failures, string name, TimeSpan value, TimeSpan min)
    {
        if (value < min || value > s_maxTimeSpan)
        {
            failures.Add(Invariant($"ImageServiceClientOptions.{name} ({value}) must be between {min} and {s_maxTimeSpan}."));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
