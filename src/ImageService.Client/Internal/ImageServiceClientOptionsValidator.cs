using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace ImageService.Client.Internal;

/// <summary>
/// Every rule on the options, for both construction paths: the rules on single options (required, ranges, path
/// segments) declared by attributes on <see cref="ImageServiceClientOptions"/> and checked by the source-generated
/// <see cref="ImageServiceClientOptionsAttributeValidator"/>, then the rules across options and on URIs below. The
/// failures of a named client start with its name.
/// </summary>
internal sealed class ImageServiceClientOptionsValidator : IValidateOptions<ImageServiceClientOptions>
{
    private static readonly ImageServiceClientOptionsAttributeValidator s_attributes = new();

    public ValidateOptionsResult Validate(string? name, ImageServiceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(s_attributes.Validate(null, options));
        foreach (string failure in CrossOptionFailures(options))
        {
            builder.AddError(failure);
        }

        ValidateOptionsResult result = builder.Build();
        return result.Failed && !string.IsNullOrEmpty(name)
            ? ValidateOptionsResult.Fail([.. System.Linq.Enumerable.Select(result.Failures!, f => $"Client '{name}': {f}")])
            : result;
    }

    private static IEnumerable<string> CrossOptionFailures(ImageServiceClientOptions options)
    {
        if (options.Endpoint is { } endpoint)
        {
            if (!endpoint.IsAbsoluteUri)
            {
                yield return Invariant($"ImageServiceClientOptions.Endpoint ('{endpoint}') must be an absolute URI.");
            }
            else if (endpoint.Scheme != Uri.UriSchemeHttps && !(endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback))
            {
                yield return Invariant($"ImageServiceClientOptions.Endpoint ('{endpoint}') must use https; http is allowed only for a loopback host.");
            }
            else if (!string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.Fragment))
            {
                yield return Invariant($"ImageServiceClientOptions.Endpoint ('{endpoint}') must not have a query or a fragment.");
            }
            else if (WorkspacePathIn(endpoint) is { } failure)
            {
                yield return failure;
            }
        }

        for (int i = 0; i < options.AdditionalAllowedOrigins.Count; i++)
        {
            Uri? origin = options.AdditionalAllowedOrigins[i];
            if (origin is null || !origin.IsAbsoluteUri || (origin.Scheme != Uri.UriSchemeHttps && origin.Scheme != Uri.UriSchemeHttp))
            {
                yield return Invariant($"ImageServiceClientOptions.AdditionalAllowedOrigins[{i}] ('{origin}') must be an absolute http or https URI.");
            }
        }

        if (options.Scopes.Count == 0 || options.Scopes.Contains(string.Empty))
        {
            yield return "ImageServiceClientOptions.Scopes must contain at least one scope and no empty scope.";
        }

        if (options.BaseDelay > options.MaxDelay)
        {
            yield return Invariant($"ImageServiceClientOptions.BaseDelay ({options.BaseDelay}) must not be greater than MaxDelay ({options.MaxDelay}).");
        }

        if (options.AttemptTimeout > options.TotalRequestTimeout)
        {
            yield return Invariant($"ImageServiceClientOptions.AttemptTimeout ({options.AttemptTimeout}) must not be greater than TotalRequestTimeout ({options.TotalRequestTimeout}).");
        }

        if (options.CircuitBreakerEnabled && options.CircuitBreakerSamplingDuration < options.AttemptTimeout * 2)
        {
            yield return Invariant($"ImageServiceClientOptions.CircuitBreakerSamplingDuration ({options.CircuitBreakerSamplingDuration}) must be at least twice AttemptTimeout ({options.AttemptTimeout}).");
        }

        if (options.PollingInterval > options.OperationTimeout)
        {
            yield return Invariant($"ImageServiceClientOptions.PollingInterval ({options.PollingInterval}) must not be greater than OperationTimeout ({options.OperationTimeout}).");
        }
    }

    /// <summary>
    /// An endpoint that already holds the service's path (the workspace URL an emulator or a portal shows) would have the
    /// client request that path twice: refused, saying which endpoint to use and, when the path names them, the
    /// workspace's settings.
    /// </summary>
    private static string? WorkspacePathIn(Uri endpoint)
    {
        const string ServicePath = "/modelmanagement/";
        string path = endpoint.AbsolutePath.EndsWith('/') ? endpoint.AbsolutePath : endpoint.AbsolutePath + "/";
        int start = path.IndexOf(ServicePath, StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return null;
        }

        string use = endpoint.GetLeftPart(UriPartial.Authority) + path[..(start + 1)];
        string[] segments = path[start..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? After(string name)
        {
            int at = Array.FindIndex(segments, s => s.Equals(name, StringComparison.OrdinalIgnoreCase));
            return at >= 0 && at + 1 < segments.Length ? Uri.UnescapeDataString(segments[at + 1]) : null;
        }

        string settings = (After("subscriptions"), After("resourceGroups"), After("workspaces")) is ({ } subscription, { } group, { } workspace)
            ? Invariant($", with SubscriptionId '{subscription}', ResourceGroup '{group}' and Workspace '{workspace}'")
            : string.Empty;
        return Invariant($"ImageServiceClientOptions.Endpoint ('{endpoint}') already contains the service's path ('{path[start..]}'), which the client adds itself: use Endpoint '{use}'{settings}.");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The rules declared by attributes on <see cref="ImageServiceClientOptions"/>; its code is generated.</summary>
[OptionsValidator]
internal sealed partial class ImageServiceClientOptionsAttributeValidator : IValidateOptions<ImageServiceClientOptions>
{
}

/// <summary>
/// Options that have passed <see cref="ImageServiceClientOptionsValidator"/>, so that each options instance is validated
/// once: by the constructor that receives it, or by <c>IOptionsMonitor</c>, whose factory runs the validators when it
/// creates the instance (the DI client is transient, and must not validate again on every resolution).
/// </summary>
internal readonly struct ValidatedOptions
{
    private static readonly ImageServiceClientOptionsValidator s_validator = new();

    private ValidatedOptions(ImageServiceClientOptions value) => Value = value;

    public ImageServiceClientOptions Value { get; }

    /// <exception cref="OptionsValidationException">The options are invalid; each failure names the option and its value.</exception>
    public static ValidatedOptions Validate(ImageServiceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptionsResult result = s_validator.Validate(null, options);
        return result.Failed
            ? throw new OptionsValidationException(Options.DefaultName, typeof(ImageServiceClientOptions), result.Failures)
            : new ValidatedOptions(options);
    }

    /// <summary>Options that <c>IOptionsMonitor.Get</c> returned: its options factory has validated them.</summary>
    public static ValidatedOptions FromOptionsMonitor(ImageServiceClientOptions options) => new(options);
}
