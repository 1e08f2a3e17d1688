using System.Collections.Generic;
using ImageService.Client.Generation;

namespace ImageService.Client;

/// <summary>
/// What every filtered listing of the service takes besides its own generated filters: tag and property filters in the
/// service's filter grammar, and a page size. <see cref="ImageListOptions"/> and <see cref="ProfileListOptions"/> derive from it.
/// </summary>
/// <remarks>
/// The other filters of a derived class are generated at build time from the query parameters of its spec operation
/// (openapi/images.yaml), each documented with its spec description: a parameter the spec adds appears there with no
/// hand edit. The derived class's own file maps what needs a hand (the tag and property filters, the page size) and
/// names the parameters deliberately not exposed, with the reason. Path parameters (the workspace, the image id) come
/// from the client and the call.
/// </remarks>
public abstract class FilteredListOptions
{
    private protected FilteredListOptions()
    {
    }

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

    /// <summary>The <c>tags</c> query value, in the service's filter grammar; null without tag filters.</summary>
    [QueryParameter("tags")]
    private protected string? TagsQuery => Internal.ListFilter.Format(Tags, GetType().Name + ".Tags", "filter");

    /// <summary>The <c>properties</c> query value, in the service's filter grammar; null without property filters.</summary>
    [QueryParameter("properties")]
    private protected string? PropertiesQuery => Internal.ListFilter.Format(Properties, GetType().Name + ".Properties", "filter");

    /// <summary>Refuses, before any request, a tag or property filter the service's grammar cannot express (<see cref="Internal.ListFilter"/>).</summary>
    internal void ThrowIfNotExpressible(string paramName)
    {
        _ = Internal.ListFilter.Format(Tags, GetType().Name + ".Tags", paramName);
        _ = Internal.ListFilter.Format(Properties, GetType().Name + ".Properties", paramName);
    }
}
