using ImageService.Client.Generation;

namespace ImageService.Client;

/// <summary>Filters and ordering of <see cref="ImageServiceClient.ListProfilesAsync(string, ProfileListOptions?, System.Threading.CancellationToken)"/>. Every filter is optional; all given filters must match.</summary>
/// <remarks>
/// Most filters are generated at build time from the query parameters of the spec's <c>Profiles_ListQuery</c>
/// operation (openapi/images.yaml), each documented with its spec description: a parameter the spec adds appears here
/// with no hand edit. This file maps what needs a hand: the tag and property filters and the page size (from
/// <see cref="FilteredListOptions"/>), and the parameters deliberately not exposed, with the reason.
/// </remarks>
[GeneratedQueryOptions(nameof(ImageServiceRestClient.Profiles_ListQueryAsync))]
[QueryParameterFromCaller("subscriptionId", "The client's options (ImageServiceClientOptions.SubscriptionId).")]
[QueryParameterFromCaller("resourceGroup", "The client's options (ImageServiceClientOptions.ResourceGroup).")]
[QueryParameterFromCaller("workspace", "The client's options (ImageServiceClientOptions.Workspace).")]
[QueryParameterFromCaller("imageId", "The imageId argument of ListProfilesAsync.")]
[QueryParameterFromCaller("count", "PageSize, or the page size hint given to AsPages.")]
[QueryParameterNotExposed("$skipToken", "Paging: the client follows nextLink; AsPages(continuationToken) resumes a listing.")]
public sealed partial class ProfileListOptions : FilteredListOptions
{
    [QueryParameter("tags")]
    private string? TagsQuery => TagsFilter;

    [QueryParameter("properties")]
    private string? PropertiesQuery => PropertiesFilter;
}
