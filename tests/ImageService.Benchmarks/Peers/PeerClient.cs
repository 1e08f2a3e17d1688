using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;

namespace ImageService.Benchmarks.Peers;

/// <summary>
/// One client under comparison, over the bench server: the floor, the SDK, or a peer a user would pick instead. Every
/// one reads the same two bodies: one image (<see cref="Payloads.ImageId"/> in <see cref="Payloads.Workspace"/>) and
/// one page of 1,000 images (workspace <see cref="PageWorkspace"/>).
/// </summary>
public abstract class PeerClient : IAsyncDisposable
{
    /// <summary>The workspace whose listing is one page of <see cref="Payloads.PageSize"/> images and no nextLink.</summary>
    public const string PageWorkspace = "list-1";

    /// <summary>The name in tables and in <c>--peers</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What the client is, in one line for RESULTS.md.</summary>
    public abstract string Description { get; }

    /// <summary>One GET of the image, body deserialized into the client's own types (what is timed).</summary>
    public abstract Task GetImageAsync();

    /// <summary>One GET of the page of 1,000 images, deserialized (what is timed).</summary>
    public abstract Task GetPageAsync();

    /// <summary>The image as this client returns it, reduced to what every client must agree on.</summary>
    public abstract Task<ImageSnapshot> GetImageSnapshotAsync();

    /// <summary>The first and the last image of the page, and how many it had.</summary>
    public abstract Task<(int Count, ImageSnapshot First, ImageSnapshot Last)> GetPageSnapshotAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>A page as <see cref="GetPageSnapshotAsync"/> reports it, from the client's own items.</summary>
    protected internal static (int Count, ImageSnapshot First, ImageSnapshot Last) PageSnapshot<T>(ICollection<T>? items, Func<T, ImageSnapshot> snapshot) =>
        items is { Count: > 0 } ? (items.Count, snapshot(items.First()), snapshot(items.Last())) : (0, ImageSnapshot.None, ImageSnapshot.None);
}

/// <summary>
/// What every client must return alike: ids, names, versions, the creation time, and the model details (ids, names,
/// versions, frameworks, datasets, tags), plus the Docker runtime. A client that returns a different image is not
/// timed.
/// </summary>
public sealed record ImageSnapshot(string Text)
{
    /// <summary>What an empty page reports.</summary>
    public static readonly ImageSnapshot None = new("(none)");

    public static ImageSnapshot Of(
        string? id,
        string? name,
        long? version,
        DateTimeOffset? created,
        IEnumerable<string>? modelIds,
        IEnumerable<ModelSnapshot>? models,
        string? runtimeType)
    {
        string text = string.Join(
            " | ",
            $"id={id}",
            $"name={name}",
            string.Create(CultureInfo.InvariantCulture, $"version={version}"),
            string.Create(CultureInfo.InvariantCulture, $"created={created?.UtcDateTime:O}"),
            $"modelIds=[{string.Join(",", modelIds ?? [])}]",
            $"models=[{string.Join("; ", (models ?? []).Select(m => m.ToString()))}]",
            $"runtime={runtimeType}");
        return new ImageSnapshot(text);
    }

    public override string ToString() => Text;
}

/// <summary>One model detail, as every client must return it.</summary>
public sealed record ModelSnapshot(string? Id, string? Name, long? Version, string? Framework, string? FrameworkVersion, string DatasetIds, string KvTags)
{
    public static ModelSnapshot Of(string? id, string? name, long? version, string? framework, string? frameworkVersion, IEnumerable<string?>? datasetIds, IEnumerable<KeyValuePair<string, string>>? kvTags) =>
        new(id, name, version, framework, frameworkVersion,
            string.Join(",", datasetIds ?? []),
            string.Join(",", (kvTags ?? []).OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}")));

    public static IEnumerable<KeyValuePair<string, string>>? Tags(IEnumerable<KeyValuePair<string, object>>? additionalData) =>
        additionalData?.Select(p => new KeyValuePair<string, string>(p.Key, Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? string.Empty));
}
