using ImageService.Client.Generation;

namespace ImageService.Client;

/// <summary>Filters and ordering of <see cref="ImageServiceClient.ListProfilesAsync(string, ProfileListOptions?, System.Threading.CancellationToken)"/>. Every filter is optional; all given filters must match.</summary>
/// <remarks>Generated from the spec's <c>Profiles_ListQuery</c> operation, as <see cref="FilteredListOptions"/> describes.</remarks>
[GeneratedQueryOptions(nameof(ImageServiceRestClient.Profiles_ListQueryAsync))]
[QueryParameterFromCaller("count", "PageSize, or the page size hint given to AsPages.")]
[QueryParameterNotExposed("$skipToken", "Paging: the client follows nextLink; AsPages(continuationToken) resumes a listing.")]
public sealed partial class ProfileListOptions : FilteredListOptions;
