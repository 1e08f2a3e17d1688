using System.Collections.Generic;
using ImageService.Client.Generation;

namespace ImageService.Client;

/// <summary>Filters and ordering of <see cref="ImageServiceClient.ListImagesAsync"/>. Every filter is optional; all given filters must match.</summary>
/// <remarks>
/// Most filters are generated at build time from the query parameters of the spec's <c>Images_ListQuery</c> operation
/// (openapi/images.yaml), each documented with its spec description: a parameter the spec adds appears here with no
/// hand edit. This file holds what needs a hand: the filters whose value is formatted for the wire, the page size,
/// and the parameters deliberately not exposed, with the reason.
/// </remarks>
[GeneratedQueryOptions(nameof(ImageServiceRestClient.Images_ListQueryAsync))]
[QueryParameterFromCaller("subscriptionId", "The client's options (ImageServiceClientOptions.SubscriptionId).")]
[QueryParameterFromCaller("resourceGroup", "The client's options (ImageServiceClientOptions.ResourceGroup).")]
[QueryParameterFromCaller("workspace", "The client's options (ImageServiceClientOptions.Workspace).")]
[QueryParameterFromCaller("count", "PageSize, or the page size hint given to AsPages.")]
[QueryParameterNotExposed("tag", "The spec's legacy single-tag filter ('Prefer tags'): Tags covers it, with keys and values.")]
[QueryParameterNotExposed("$skipToken", "Paging: the client follows nextLink; AsPages(continuationToken) resumes a listing.")]
public sealed partial class ImageListOptions
{
    /// <summary>Gets the tag filters: a key with a null value matches any value, a key with a value matches that value.</summary>
    public IDictionary<string, string?> Tags { get; } = new Dictionary<string, string?>();

    /// <summary>Gets the property filters: a key with a null value matches any value, a key with a value matches that value.</summary>
    public IDictionary<string, string?> Properties { get; } = new Dictionary<string, string?>();

    /// <summary>Gets or sets the page size the service is asked for.</summary>
    /// <value>The default value is <see langword="null"/>: the service's default.</value>
    public int? PageSize { get; set; }

    [QueryParameter("tags")]
    private string? TagsQuery => FormatFilter(Tags);

    [QueryParameter("properties")]
    private string? PropertiesQuery => FormatFilter(Properties);

    internal static string? FormatFilter(IDictionary<string, string?> filter)
    {
        if (filter.Count == 0)
        {
            return null;
        }

        var entries = new List<string>(filter.Count);
        foreach (KeyValuePair<string, string?> pair in filter)
        {
            entries.Add(pair.Value is null ? pair.Key : pair.Key + "=" + pair.Value);
        }

        return string.Join(",", entries);
    }
}
