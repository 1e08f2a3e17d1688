using System;
using System.Collections.Generic;
using System.Linq;

namespace ImageService.Client.Internal;

/// <summary>Which origins may receive the bearer token: the endpoint's and those listed in AdditionalAllowedOrigins.</summary>
internal sealed class OriginPolicy
{
    private readonly HashSet<string> _allowed;

    public OriginPolicy(ImageServiceClientOptions options)
    {
        _allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (options.Endpoint is { IsAbsoluteUri: true } endpoint)
        {
            _allowed.Add(Origin(endpoint));
        }

        foreach (Uri origin in options.AdditionalAllowedOrigins.Where(o => o is { IsAbsoluteUri: true }))
        {
            _allowed.Add(Origin(origin));
        }
    }

    public static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    public bool IsAllowed(Uri uri) => uri.IsAbsoluteUri && _allowed.Contains(Origin(uri));

    public void ThrowIfNotAllowed(Uri uri, string what)
    {
        if (!IsAllowed(uri))
        {
            throw new ImageServiceException(
                $"Refusing to send the image service token to {Origin(uri)} ({what}): it is neither the endpoint's origin nor one of ImageServiceClientOptions.AdditionalAllowedOrigins. Add the origin to AdditionalAllowedOrigins if it is trusted.");
        }
    }
}
