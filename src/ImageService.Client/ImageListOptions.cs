using System.Collections.Generic;

namespace ImageService.Client;

/// <summary>Filters and ordering of <see cref="ImageServiceClient.ListImagesAsync"/>. Every filter is optional; all given filters must match.</summary>
public sealed class ImageListOptions
{
    /// <summary>Gets or sets the image name (exact match).</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets a model id (<c>name:version</c>) the image must contain.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets a model name the image must contain.</summary>
    public string? ModelName { get; set; }

    /// <summary>Gets or sets the image version.</summary>
    public string? Version { get; set; }

    /// <summary>Gets or sets the image description.</summary>
    public string? Description { get; set; }

    /// <summary>Gets the tag filters: a key with a null value matches any value, a key with a value matches that value.</summary>
    /// <remarks>
    /// The service's filter grammar has no escape: a key or value containing <c>,</c>, or a key containing <c>=</c>, is
    /// refused with <see cref="System.ArgumentException"/> when the listing is requested.
    /// </remarks>
    public IDictionary<string, string?> Tags { get; } = new Dictionary<string, string?>();

    /// <summary>Gets the property filters: a key with a null value matches any value, a key with a value matches that value.</summary>
    /// <remarks>As for <see cref="Tags"/>: a key or value containing <c>,</c>, or a key containing <c>=</c>, is refused.</remarks>
    public IDictionary<string, string?> Properties { get; } = new Dictionary<string, string?>();

    /// <summary>Gets or sets the order of the list.</summary>
    /// <value>The default value is <see langword="null"/>: the service's default, <see cref="ImageOrderBy.CreatedAtDesc"/>.</value>
    public ImageOrderBy? OrderBy { get; set; }

    /// <summary>Gets or sets the page size the service is asked for.</summary>
    /// <value>The default value is <see langword="null"/>: the service's default.</value>
    public int? PageSize { get; set; }

    /// <summary>Gets or sets whether <c>modelDetails</c> is filled in.</summary>
    /// <value>The default value is <see langword="null"/>: the service's default (no details).</value>
    public bool? Expand { get; set; }

    /// <summary>The query value of a tag or property filter (<see cref="Internal.ListFilter"/>); refuses what the service cannot express.</summary>
    internal static string? FormatFilter(IDictionary<string, string?> filter, string name, string paramName) => Internal.ListFilter.Format(filter, name, paramName);
}
