using System;
using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace ImageService.Client.Internal;

// The rules on single options, checked by the source-generated ImageServiceClientOptionsAttributeValidator. Each
// failure names the option and its value ("ImageServiceClientOptions.MaxRetryAttempts (11) must be between 0 and 10."),
// which DataAnnotations' own attributes cannot say: their messages know the member, not the value, and the options
// validator would prefix each with the member's name.

/// <summary>A required option: not null, and not blank for a string.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class RequiredOptionAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is null || (value is string text && string.IsNullOrWhiteSpace(text))
            ? new ValidationResult($"ImageServiceClientOptions.{Name(validationContext)} is required.")
            : ValidationResult.Success;

    internal static string Name(ValidationContext context) => context.MemberName ?? context.DisplayName;
}

/// <summary>A workspace path segment: '.' and '..' would be removed from the URL and address another resource.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class NotDotSegmentAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        PathSegment.IsDotSegment(value as string)
            ? new ValidationResult($"ImageServiceClientOptions.{RequiredOptionAttribute.Name(validationContext)} ('{value}') must not be '.' or '..'.")
            : ValidationResult.Success;
}

/// <summary>A range of a numeric or <see cref="TimeSpan"/> option (the type of the bounds is the option's).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class OptionRangeAttribute : ValidationAttribute
{
    private readonly IComparable _minimum;
    private readonly IComparable? _maximum;

    /// <summary>At least <paramref name="minimum"/>.</summary>
    public OptionRangeAttribute(int minimum) => _minimum = minimum;

    public OptionRangeAttribute(int minimum, int maximum) => (_minimum, _maximum) = (minimum, maximum);

    public OptionRangeAttribute(long minimum, long maximum) => (_minimum, _maximum) = (minimum, maximum);

    public OptionRangeAttribute(double minimum, double maximum) => (_minimum, _maximum) = (minimum, maximum);

    /// <summary>A <see cref="TimeSpan"/> range, bounds in the invariant <c>c</c> format (<c>1.00:00:00</c>).</summary>
    public OptionRangeAttribute(string minimum, string maximum) =>
        (_minimum, _maximum) = (TimeSpan.ParseExact(minimum, "c", CultureInfo.InvariantCulture), TimeSpan.ParseExact(maximum, "c", CultureInfo.InvariantCulture));

    /// <summary>Gets or sets a value indicating whether the minimum itself is refused.</summary>
    public bool MinimumIsExclusive { get; set; }

    /// <summary>Gets or sets what follows the maximum in the message, for example <c>(2 GiB)</c>.</summary>
    public string? MaximumNote { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the option is used only with
    /// <see cref="ImageServiceClientOptions.CircuitBreakerEnabled"/>, and so checked only then: a value that is never
    /// used does not stop a client from being built.
    /// </summary>
    public bool OnlyWithCircuitBreaker { get; set; }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (OnlyWithCircuitBreaker && validationContext.ObjectInstance is ImageServiceClientOptions { CircuitBreakerEnabled: false })
        {
            return ValidationResult.Success;
        }

        // NaN compares below every number, so it fails the minimum.
        int fromMinimum = value is null ? -1 : -_minimum.CompareTo(value);
        bool valid = (MinimumIsExclusive ? fromMinimum > 0 : fromMinimum >= 0) && (_maximum is null || _maximum.CompareTo(value) >= 0);
        if (valid)
        {
            return ValidationResult.Success;
        }

        string note = MaximumNote is null ? string.Empty : " " + MaximumNote;
        string rule = (_maximum, MinimumIsExclusive) switch
        {
            (null, _) => string.Create(CultureInfo.InvariantCulture, $"must be at least {_minimum}"),
            (_, true) => string.Create(CultureInfo.InvariantCulture, $"must be greater than {_minimum} and at most {_maximum}{note}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"must be between {_minimum} and {_maximum}{note}"),
        };
        return new ValidationResult(string.Create(CultureInfo.InvariantCulture, $"ImageServiceClientOptions.{RequiredOptionAttribute.Name(validationContext)} ({value}) {rule}."));
    }
}
