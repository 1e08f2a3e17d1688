namespace ImageService.Emulator.Contracts;

// CUSTOM: the one documented exception to "every declared key is sent" (openapi/images.yaml, info): a page has a
// nextLink only when another page follows; on the last page the key is absent, never null (azureml-core loops
// `while 'nextLink' in page`). Json.NET calls these ShouldSerialize methods by naming convention.

/// <summary>A page of images.</summary>
public partial class PaginatedImageList
{
    /// <summary>Whether <see cref="NextLink"/> is written: only when another page follows.</summary>
    /// <returns>True when there is a next page.</returns>
    public bool ShouldSerializeNextLink() => NextLink is not null;
}

/// <summary>A page of profiles.</summary>
public partial class PaginatedProfileResponseList
{
    /// <summary>Whether <see cref="NextLink"/> is written: only when another page follows.</summary>
    /// <returns>True when there is a next page.</returns>
    public bool ShouldSerializeNextLink() => NextLink is not null;
}
