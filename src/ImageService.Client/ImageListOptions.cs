using ImageService.Client.Generation;

namespace ImageService.Client;

/// <summary>Filters and ordering of <see cref="ImageServiceClient.ListImagesAsync"/>. Every filter is optional; all given filters must match.</summary>
/// <remarks>Generated from the spec's <c>Images_ListQuery</c> operation, as <see cref="FilteredListOptions"/> describes.</remarks>
[GeneratedQueryOptions(nameof(ImageServiceRestClient.Images_ListQueryAsync))]
[QueryParameterFromCaller("count", "PageSize, or the page size hint given to AsPages.")]
[QueryParameterNotExposed("tag", "The spec's legacy single-tag filter ('Prefer tags'): Tags covers it, with keys and values.")]
[QueryParameterNotExposed("$skipToken", "Paging: the client follows nextLink; AsPages(continuationToken) resumes a listing.")]
public sealed partial class ImageListOptions : FilteredListOptions;
