using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace ImageService.Emulator.Api;

/// <summary>The images routes of the spec (the generated <see cref="ImagesController"/> calls this).</summary>
internal sealed partial class ImagesApi(EmulatorStore store, CurrentApiRequest request) : IImagesController
{
    /// <summary>An image with this tag fails its build (documented in README.md).</summary>
    public const string FailTag = "emulator.build";

    /// <summary>An image with this tag set to true cannot be deleted: 412 DeletionRequired (documented in README.md).</summary>
    public const string InUseTag = "emulator.inUse";

    public async Task<ActionResult<PaginatedImageList>> Images_ListQueryAsync(string? name, string? tag, string? tags, string? properties, string? description,
        string? modelId, string? modelName, string? version, int? count, string? skipToken, ImageOrderBy orderBy, bool expand,
        string subscriptionId, string resourceGroup, string workspace, CancellationToken cancellationToken = default)
    {
        bool updated = orderBy == ImageOrderBy.UpdatedAtAsc || orderBy == ImageOrderBy.UpdatedAtDesc;
        bool descending = orderBy == ImageOrderBy.CreatedAtDesc || orderBy == ImageOrderBy.UpdatedAtDesc;
        if (!orderBy.IsKnown)
        {
            return Errors.Result(400, "BadArgument",
                $"orderBy '{orderBy}' is not one of {string.Join(", ", ImageOrderBy.KnownValues)}.", "orderBy", "InvalidOrderBy");
        }

        var tagFilter = Listing.ParseFilter(tags);
        var legacyTagFilter = Listing.ParseFilter(tag);
        var propertyFilter = Listing.ParseFilter(properties);
        var matching = (await store.ImagesAsync(cancellationToken)).Where(i =>
            (name is null || i.Name == name)
            && Listing.Matches(i.KvTags, tagFilter)
            && Listing.Matches(i.KvTags, legacyTagFilter)
            && Listing.Matches(i.Properties, propertyFilter)
            && (description is null || string.Equals(i.Description, description, StringComparison.OrdinalIgnoreCase))
            && (modelId is null || (i.ModelIds ?? []).Contains(modelId, StringComparer.OrdinalIgnoreCase))
            && (modelName is null || (i.ModelIds ?? []).Any(m => string.Equals(m.Split(':')[0], modelName, StringComparison.OrdinalIgnoreCase)))
            && (version is null || i.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) == version.Trim()));

        var (page, next, error) = Listing.Page(matching, i => (updated ? i.ModifiedTime : i.CreatedTime).UtcTicks, i => i.Sequence, descending, count, skipToken);
        if (error is not null)
        {
            return Errors.Result(400, "BadArgument", error, count is < 1 ? "count" : "$skipToken", "InvalidPaging");
        }

        return new PaginatedImageList
        {
            Value = [.. page.Select(i => WireShapes.Image(i, expand ? store.FindModel : null))],
            NextLink = next is null ? null : request.NextLink(next),
        };
    }

    public async Task<IActionResult> Images_CreateAsync(DockerImageRequest body, string subscriptionId, string resourceGroup, string workspace, CancellationToken cancellationToken = default)
    {
        if (Validate(body, store.FindModel) is { } invalid)
        {
            return invalid.ToResult();
        }

        var image = NewRecord(body);
        string prefix = CurrentApiRequest.WorkspacePrefix(subscriptionId, resourceGroup, workspace);
        var (_, operation) = await store.CreateImageAsync(image, prefix, request.RequestId, FailRequested(image), cancellationToken: cancellationToken);
        request.AcceptedWithOperation(prefix, operation.Id);
        return new StatusCodeResult(202);
    }

    public async Task<ActionResult<ImageResponseBase>> Images_QueryByIdAsync(bool expand, string subscriptionId, string resourceGroup, string workspace, string id, CancellationToken cancellationToken = default)
    {
        var image = await store.FindImageAsync(id, cancellationToken);
        return image is null
            ? NotFound(id, workspace)
            : WireShapes.Image(image, expand ? store.FindModel : null);
    }

    public async Task<ActionResult<ImageResponseBase>> Images_PatchAsync(IEnumerable<JsonPatchOperation> body, string subscriptionId, string resourceGroup, string workspace, string id, CancellationToken cancellationToken = default)
    {
        var operations = body?.ToList() ?? [];
        if (operations.Count == 0)
        {
            return Errors.Result(400, "BadArgument", "The patch document must hold at least one operation.", "body", "InvalidPatch");
        }

        ActionResult? failure = null;
        var patched = await store.UpdateImageAsync(id, image =>
        {
            // Apply to copies, commit only when every operation is valid (a patch is atomic). A map the image never had
            // stays null unless an operation writes to it.
            var tags = new Dictionary<string, string>(image.KvTags ?? [], StringComparer.Ordinal);
            var props = new Dictionary<string, string>(image.Properties ?? [], StringComparer.Ordinal);
            string? description = image.Description;
            foreach (var operation in operations)
            {
                failure = PatchOne(operation, tags, props, ref description);
                if (failure is not null)
                {
                    return (false, (ImageRecord?)null);
                }
            }

            if (!tags.OrderBy(t => t.Key, StringComparer.Ordinal).SequenceEqual((image.KvTags ?? []).OrderBy(t => t.Key, StringComparer.Ordinal)))
            {
                image.TagChangeCount++;
            }

            image.KvTags = image.KvTags is null && !operations.Any(o => Targets(o, "kvTags")) ? null : tags;
            image.Properties = image.Properties is null && !operations.Any(o => Targets(o, "properties")) ? null : props;
            image.Description = description;
            return (true, image);
        }, cancellationToken);

        if (failure is not null)
        {
            return failure;
        }

        return patched is null ? NotFound(id, workspace) : WireShapes.Image(patched, null);
    }

    public async Task<IActionResult> Images_DeleteAsync(string subscriptionId, string resourceGroup, string workspace, string id, CancellationToken cancellationToken = default)
    {
        var image = await store.FindImageAsync(id, cancellationToken);
        if (image is null)
        {
            return new StatusCodeResult(204);
        }

        if (image.KvTags is { } tags && tags.TryGetValue(InUseTag, out var inUse) && string.Equals(inUse, "true", StringComparison.OrdinalIgnoreCase))
        {
            return Errors.Result(412, "DeletionRequired",
                $"Image {id} is still used by one or more web services (tag {InUseTag}=true); delete them first.", "id", "ImageInUse");
        }

        await store.DeleteImageAsync(id, cancellationToken);
        return new StatusCodeResult(200);
    }

    private static ActionResult NotFound(string id, string workspace) =>
        Errors.Result(404, "NotFound", $"Image {id} not found in workspace {workspace}.", "id", "ImageNotFound");

    /// <summary>
    /// The record the service keeps for a create request. What the request left out stays null in the record (and in
    /// every answer), as the service keeps it; only the values the service itself fills are defaulted: an asset's
    /// unpack, the runtime's properties, architecture and OS.
    /// </summary>
    internal static ImageRecord NewRecord(DockerImageRequest body)
    {
        var image = new ImageRecord
        {
            Name = body.Name,
            Description = body.Description,
            ImageType = body.ImageType is { } type && !string.IsNullOrEmpty(type.ToString()) ? ImageType.KnownValues.First(k => k == type).ToString() : "Docker",
            ImageFlavor = ImageFlavor.KnownValues.First(k => k == body.ImageFlavor).ToString(),
            KvTags = body.KvTags is null ? null : new Dictionary<string, string>(body.KvTags, StringComparer.Ordinal),
            Properties = body.Properties is null ? null : new Dictionary<string, string>(body.Properties, StringComparer.Ordinal),
            ModelIds = body.ModelIds is null ? null : [.. body.ModelIds],
            DriverProgram = body.DriverProgram,
            Assets = body.Assets is null ? null : [.. body.Assets.Select(EmulatorStore.Clone)],
            TargetRuntime = body.TargetRuntime is null ? null : EmulatorStore.Clone(body.TargetRuntime),
            DockerFileUri = body.DockerFileUri,
        };
        foreach (var asset in image.Assets ?? [])
        {
            asset.Unpack ??= false;
        }

        if (image.TargetRuntime is { } runtime)
        {
            runtime.RuntimeType ??= RuntimeType.Python;
            runtime.Properties ??= new Dictionary<string, string>();
            runtime.TargetArchitecture ??= TargetArchitecture.Amd64;
            runtime.OsType ??= OsType.Linux;
        }

        return image;
    }

    /// <summary>Whether the image asked for its build to fail (the <see cref="FailTag"/> test hook).</summary>
    internal static bool FailRequested(ImageRecord image) =>
        image.KvTags is { } tags && tags.TryGetValue(FailTag, out var build) && string.Equals(build, "fail", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the service refuses this create request (a 400 naming the field), or null.</summary>
    internal static Refusal? Validate(DockerImageRequest? body, Func<string, ModelRecord?> findModel)
    {
        if (body is null)
        {
            return new Refusal("body", "The request body must be a DockerImageRequest.", "InvalidRequest");
        }

        if (body.Name is null)
        {
            return new Refusal("name", "name is required: the image name, 3 to 32 characters.", "MissingImageName");
        }

        if (string.IsNullOrEmpty(body.ImageFlavor.ToString()))
        {
            return new Refusal("imageFlavor", $"imageFlavor is required: one of {string.Join(", ", ImageFlavor.KnownValues)}.", "MissingImageFlavor");
        }

        if ((Maps.Refusal(body.KvTags, "kvTags") ?? Maps.Refusal(body.Properties, "properties")) is { } invalidMap)
        {
            return invalidMap;
        }

        if (body.Name.Length is < 3 or > 32 || !NamePattern().IsMatch(body.Name))
        {
            return new Refusal("name",
                $"Invalid image name '{body.Name}': it must be 3 to 32 characters, lower-case letters, digits, '-' and '.', starting and ending with a letter or digit.",
                "InvalidImageName");
        }

        if (!body.ImageFlavor.IsKnown)
        {
            return new Refusal("imageFlavor", $"Unknown imageFlavor '{body.ImageFlavor}': expected one of {string.Join(", ", ImageFlavor.KnownValues)}.", "InvalidImageFlavor");
        }

        if (body.ImageType is { } type && !string.IsNullOrEmpty(type.ToString()) && !type.IsKnown)
        {
            return new Refusal("imageType", $"Unknown imageType '{type}': expected Docker.", "InvalidImageType");
        }

        foreach (var modelId in body.ModelIds ?? [])
        {
            if (findModel(modelId) is null)
            {
                return new Refusal("modelIds", $"Model {modelId} not found in the workspace.", "ModelNotFound");
            }
        }

        return null;
    }

    private static ActionResult? PatchOne(JsonPatchOperation operation, Dictionary<string, string> tags, Dictionary<string, string> props, ref string? description)
    {
        string op = operation.Op?.ToLowerInvariant() ?? "";
        string path = operation.Path ?? "";
        ActionResult Bad(string message) => Errors.Result(400, "BadArgument", message, path, "InvalidPatch");
        if (!JsonPointer.TryParse(path, out var tokens, out string? pointerError))
        {
            return Bad($"The path '{path}' is not a JSON Pointer (RFC 6901): {pointerError}");
        }

        var value = operation.Value is null ? null : JToken.FromObject(operation.Value);
        string member = tokens.Count > 0 ? tokens[0] : "";
        bool isTags = member.Equals("kvTags", StringComparison.OrdinalIgnoreCase);
        bool isProperties = member.Equals("properties", StringComparison.OrdinalIgnoreCase);
        if ((isTags || isProperties) && tokens.Count > 2)
        {
            // Tags and properties are strings: a pointer below one (/kvTags/a/b, /kvTags/../id) names nothing.
            return Bad($"The path '{path}' points inside the {(isTags ? "tag" : "property")} '{tokens[1]}', whose value is a string; a path names one key: /{member}/<key> (escape '/' as ~1 and '~' as ~0).");
        }

        if (isTags && tokens.Count == 1 && op is "replace" or "add")
        {
            if (ToMap(value) is not { } map)
            {
                return Bad("The value of a /kvTags patch must be an object of strings.");
            }

            tags.Clear();
            foreach (var (key, tagValue) in map)
            {
                tags[key] = tagValue;
            }

            return null;
        }

        if (isTags && tokens.Count == 2)
        {
            string key = tokens[1];
            switch (op)
            {
                case "add" or "replace" when key.Length == 0:
                    return Bad("A tag key cannot be empty.");
                case "add" or "replace" when value is JValue { Type: JTokenType.String or JTokenType.Integer or JTokenType.Float or JTokenType.Boolean } scalar:
                    tags[key] = scalar.ToString(Newtonsoft.Json.Formatting.None).Trim('"');
                    return null;
                case "remove":
                    return tags.Remove(key) ? null : Bad($"Tag '{key}' does not exist.");
                default:
                    return Bad($"Unsupported patch: {op} {path}.");
            }
        }

        if (isProperties && tokens.Count == 1 && op == "add")
        {
            if (ToMap(value) is not { } map)
            {
                return Bad("The value of a /properties patch must be an object of strings.");
            }

            foreach (var (key, propertyValue) in map)
            {
                if (props.TryGetValue(key, out var existing) && existing != propertyValue)
                {
                    return Errors.Result(400, "BadArgument", $"Property '{key}' already exists with value '{existing}': properties are immutable.", path, "ImmutableProperty");
                }

                props[key] = propertyValue;
            }

            return null;
        }

        if (isProperties && tokens.Count == 2 && op == "add" && value is JValue scalarProperty)
        {
            string key = tokens[1];
            if (key.Length == 0)
            {
                return Bad("A property key cannot be empty.");
            }

            string propertyValue = scalarProperty.ToString(Newtonsoft.Json.Formatting.None).Trim('"');
            if (props.TryGetValue(key, out var existing) && existing != propertyValue)
            {
                return Errors.Result(400, "BadArgument", $"Property '{key}' already exists with value '{existing}': properties are immutable.", path, "ImmutableProperty");
            }

            props[key] = propertyValue;
            return null;
        }

        if (tokens.Count == 1 && member.Equals("description", StringComparison.OrdinalIgnoreCase) && op is "replace" or "add")
        {
            if (value is not null && value.Type is not (JTokenType.String or JTokenType.Null))
            {
                return Bad("The value of a /description patch must be a string.");
            }

            description = value?.Type == JTokenType.String ? value.Value<string>() : null;
            return null;
        }

        return Bad($"Unsupported patch operation '{operation.Op}' on '{operation.Path}': supported are replace/add /kvTags, add /properties and replace /description.");
    }

    private static Dictionary<string, string>? ToMap(JToken? value)
    {
        if (value is not JObject obj)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in obj.Properties())
        {
            if (property.Value is not JValue { Value: not null } scalar)
            {
                return null;
            }

            map[property.Name] = scalar.Type == JTokenType.String ? (string)scalar! : scalar.ToString(Newtonsoft.Json.Formatting.None);
        }

        return map;
    }

    private static bool Targets(JsonPatchOperation operation, string member) =>
        JsonPointer.TryParse(operation.Path ?? "", out var tokens, out _) && tokens.Count > 0 && tokens[0].Equals(member, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
