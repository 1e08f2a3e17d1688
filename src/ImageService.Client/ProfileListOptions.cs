using System.Collections.Generic;
using ImageService.Client.Generation;

namespace ImageService.Client;

/// <summary>Filters and ordering of <see cref="ImageServiceClient.ListProfilesAsync(string, ProfileListOptions?, System.Threading.CancellationToken)"/>. Every filter is optional; all given filters must match.</summary>
/// <remarks>
/// Most filters are generated at build time from the query parameters of the spec's <c>Profiles_ListQuery</c>
/// operation (openapi/images.yaml), each documented with its spec description: a parameter the spec adds appears here
/// with no hand edit. This file holds what needs a hand: the filters whose value is formatted for the wire, the page
/// size, and the parameters deliberately not exposed, with the reason.
/// </remarks>
[GeneratedQueryOptions(nameof(ImageServiceRestClient.Profiles_ListQueryAsync))]
[QueryParameterFromCaller("subscriptionId", "The client's options (ImageServiceClientOptions.SubscriptionId).")]
[QueryParameterFromCaller("resourceGroup", "The client's options (ImageServiceClientOptions.ResourceGroup).")]
[QueryParameterFromCaller("workspace", "The client's options (ImageServiceClientOptions.Workspace).")]
[QueryParameterFromCaller("imageId", "The imageId argument of ListProfilesAsync.")]
[QueryParameterFromCaller("count", "PageSize, or the page size hint given to AsPages.")]
[QueryParameterNotExposed("$skipToken", "Paging: the client follows nextLink; AsPages(continuationToken) resumes a listing.")]
public sealed partial class ProfileListOptions
{
    /// <summary>Gets the tag filters: a key with a null value matches any value, a key with a value matches that value.</summary>
    /// <remarks>
    /// The service's filter grammar has no escape: a key or value containing <c>,</c>, or a key containing <c>=</c>, is
    /// refused with <see cref="System.ArgumentException"/> when the listing is requested.
    /// </remarks>
    public IDictionary<string, string?> Tags { get; } = new Dictionary<string, string?>();

    /// <summary>Gets the property filters: a key with a null value matches any value, a key with a value matches that value.</summary>
    /// <remarks>As for <see cref="Tags"/>: a key or value containing <c>,</c>, or a key containing <c>=</c>, is refused.</remarks>
    public IDictionary<string, string?> Properties { get; } = new Dictionary<string, string?>();

    /// <summary>Gets or sets the page size the service is asked for.</summary>
    /// <value>The default value is <see langword="null"/>: the service's default.</value>
    public int? PageSize { get; set; }

    [QueryParameter("tags")]
    private string? TagsQuery => Internal.ListFilter.Format(Tags, "ProfileListOptions.Tags", "filter");

    [QueryParameter("properties")]
    private string? PropertiesQuery => Internal.ListFilter.Format(Properties, "ProfileListOptions.Properties", "filter");

    /// <summary>Refuses, before any request, a tag or property filter the service's grammar cannot express (<see cref="Internal.ListFilter"/>).</summary>
    internal void ThrowIfNotExpressible(string paramName)
    {
        _ = Internal.ListFilter.Format(Tags, "ProfileListOptions.Tags", paramName);
        _ = Internal.ListFilter.Format(Properties, "ProfileListOptions.Properties", paramName);
    }
}
