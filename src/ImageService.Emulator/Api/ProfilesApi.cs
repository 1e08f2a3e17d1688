using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Emulator.Api;

/// <summary>The profiles routes: a profile is created by an operation that always succeeds.</summary>
internal sealed class ProfilesApi(EmulatorStore store, CurrentApiRequest request) : IProfilesController
{
    /// <summary>A profile with this tag set to <c>fail</c> fails profiling (documented in README.md).</summary>
    public const string FailTag = "emulator.profile";

    public async Task<ActionResult<PaginatedProfileResponseList>> Profiles_ListQueryAsync(string? name, string? description, string? tags, string? properties,
        int? count, string? skipToken, ImageOrderBy orderBy, string subscriptionId, string resourceGroup, string workspace, string imageId,
        CancellationToken cancellationToken = default)
    {
        if (await store.FindImageAsync(imageId, cancellationToken) is null)
        {
            return ImageNotFound(imageId, workspace);
        }

        if (!orderBy.IsKnown)
        {
            return Errors.Result(400, "BadArgument",
                $"orderBy '{orderBy}' is not one of {string.Join(", ", ImageOrderBy.KnownValues)}.", "orderBy", "InvalidOrderBy");
        }

        var tagFilter = Listing.ParseFilter(tags);
        var propertyFilter = Listing.ParseFilter(properties);
        var matching = (await store.ProfilesAsync(imageId, cancellationToken)).Where(p =>
            (name is null || p.Name == name)
            && (description is null || string.Equals(p.Description, description, StringComparison.OrdinalIgnoreCase))
            && Listing.Matches(p.KvTags, tagFilter)
            && Listing.Matches(p.Properties, propertyFilter));
        // A profile is never updated (the spec has no profile PATCH and no modified time), so UpdatedAt orders as CreatedAt.
        bool descending = orderBy != ImageOrderBy.CreatedAtAsc && orderBy != ImageOrderBy.UpdatedAtAsc;
        var (page, next, error) = Listing.Page(matching, p => p.CreatedTime.UtcTicks, p => p.Sequence, descending, count, skipToken);
        if (error is not null)
        {
            return Errors.Result(400, "BadArgument", error, count is < 1 ? "count" : "$skipToken", "InvalidPaging");
        }

        return new PaginatedProfileResponseList { Value = [.. page.Select(WireShapes.Profile)], NextLink = next is null ? null : request.NextLink(next) };
    }

    public async Task<IActionResult> Profiles_CreateAsync(ProfileRequestBase body, string subscriptionId, string resourceGroup, string workspace, string imageId, CancellationToken cancellationToken = default)
    {
        if (body is null || string.IsNullOrWhiteSpace(body.Name))
        {
            return Errors.Result(400, "BadArgument", "A profile needs a name.", "name", "InvalidProfileName");
        }

        if ((Maps.Invalid(body.KvTags, "kvTags") ?? Maps.Invalid(body.Properties, "properties")) is { } invalidMap)
        {
            return invalidMap;
        }

        if (await store.FindImageAsync(imageId, cancellationToken) is null)
        {
            return ImageNotFound(imageId, workspace);
        }

        var profile = new ProfileRecord
        {
            ImageId = imageId,
            Name = body.Name,
            Description = body.Description,
            InputData = body.InputData,
            KvTags = body.KvTags is null ? null : new Dictionary<string, string>(body.KvTags, StringComparer.Ordinal),
            Properties = body.Properties is null ? null : new Dictionary<string, string>(body.Properties, StringComparer.Ordinal),
        };
        bool fail = profile.KvTags is { } tags && tags.TryGetValue(FailTag, out var outcome) && string.Equals(outcome, "fail", StringComparison.OrdinalIgnoreCase);
        string prefix = CurrentApiRequest.WorkspacePrefix(subscriptionId, resourceGroup, workspace);
        var operation = await store.CreateProfileAsync(profile, prefix, request.RequestId, fail, cancellationToken);
        request.AcceptedWithOperation(prefix, operation.Id);
        return new StatusCodeResult(202);
    }

    public async Task<ActionResult<ProfileResponse>> Profiles_QueryByIdAsync(string subscriptionId, string resourceGroup, string workspace, string imageId, string id, CancellationToken cancellationToken = default)
    {
        var profile = await store.FindProfileAsync(imageId, id, cancellationToken);
        return profile is null
            ? Errors.Result(404, "NotFound", $"Profile {id} of image {imageId} not found.", "id", "ProfileNotFound")
            : WireShapes.Profile(profile);
    }

    private static ActionResult ImageNotFound(string imageId, string workspace) =>
        Errors.Result(404, "NotFound", $"Image {imageId} not found in workspace {workspace}.", "imageId", "ImageNotFound");
}
