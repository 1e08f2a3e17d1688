using System.Collections.Generic;

namespace ImageService.Client;

/// <summary>One page of a listing.</summary>
/// <typeparam name="T">The item type.</typeparam>
public class ImageServicePage<T>
{
    /// <summary>Initializes a new instance of the <see cref="ImageServicePage{T}"/> class (also for mocking).</summary>
    /// <param name="values">The items of the page.</param>
    /// <param name="continuationToken">The token of the next page, or null on the last page.</param>
    public ImageServicePage(IReadOnlyList<T> values, string? continuationToken)
    {
        Values = values;
        ContinuationToken = continuationToken;
    }

    /// <summary>Gets the items of this page.</summary>
    public IReadOnlyList<T> Values { get; }

    /// <summary>
    /// Gets the token to resume the listing at the next page, or <see langword="null"/> on the last page. It is the
    /// service's absolute <c>nextLink</c> URL (which carries the <c>$skipToken</c> and the filters), so it can be stored
    /// and passed to <c>AsPages(continuationToken)</c> later, by another process.
    /// </summary>
    public string? ContinuationToken { get; }
}
