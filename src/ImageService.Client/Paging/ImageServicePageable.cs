using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Client;

/// <summary>
/// A listing that fetches pages lazily, following the service's <c>nextLink</c>. Enumerate it with
/// <c>await foreach</c> for items, or call <see cref="AsPages"/> for pages and their continuation tokens.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public abstract class ImageServicePageable<T> : IAsyncEnumerable<T>
{
    /// <summary>Initializes a new instance of the <see cref="ImageServicePageable{T}"/> class (for mocking).</summary>
    protected ImageServicePageable()
    {
    }

    /// <summary>Gets the cancellation token passed to the listing call.</summary>
    protected virtual CancellationToken CancellationToken => default;

    /// <summary>Enumerates the listing page by page.</summary>
    /// <param name="continuationToken">A <see cref="ImageServicePage{T}.ContinuationToken"/> from an earlier enumeration, to resume there; null to start at the first page.</param>
    /// <param name="pageSizeHint">The page size to ask for on the first request; null for the filter's or the service's default. A resumed listing keeps the size in its token.</param>
    /// <returns>The pages.</returns>
    public abstract IAsyncEnumerable<ImageServicePage<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null);

    /// <summary>Enumerates every item of every page.</summary>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The enumerator.</returns>
    public virtual async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CancellationToken);
        await foreach (ImageServicePage<T> page in AsPages().WithCancellation(linked.Token).ConfigureAwait(false))
        {
            foreach (T value in page.Values)
            {
                yield return value;
            }
        }
    }
}

/// <summary>A pageable over a delegate that fetches one page from a continuation token.</summary>
internal sealed class FuncPageable<T> : ImageServicePageable<T>
{
    private readonly Func<string?, int?, CancellationToken, Task<ImageServicePage<T>>> _fetch;
    private readonly CancellationToken _cancellationToken;

    public FuncPageable(Func<string?, int?, CancellationToken, Task<ImageServicePage<T>>> fetch, CancellationToken cancellationToken)
    {
        _fetch = fetch;
        _cancellationToken = cancellationToken;
    }

    protected override CancellationToken CancellationToken => _cancellationToken;

    public override IAsyncEnumerable<ImageServicePage<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null) =>
        Pages(continuationToken, pageSizeHint, default);

    private async IAsyncEnumerable<ImageServicePage<T>> Pages(string? token, int? pageSizeHint, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            if (token is not null && !seen.Add(token))
            {
                throw new ImageServiceException($"The image service returned a nextLink that was already followed; stopping to avoid an endless listing.");
            }

            // ForceYielding: a page that is ready at once (its response already buffered) is handed on from a fresh
            // stack. Otherwise, when the previous fetch finished asynchronously, its completion is still running the
            // consumer inline, and the new page would be read on top of frames that hold the previous page: two pages
            // alive instead of one (seen in the listing benchmark's memory peak). One thread-pool hop per page is small
            // next to reading a page; ListingBenchmarks measures both (RESULTS.md).
            ImageServicePage<T> page = await _fetch(token, pageSizeHint, linked.Token).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            yield return page;
            token = page.ContinuationToken;
        }
        while (token is not null);
    }
}
