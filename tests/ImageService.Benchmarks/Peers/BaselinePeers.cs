using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageService.Client;
using Microsoft.Extensions.Logging;

namespace ImageService.Benchmarks.Peers;

/// <summary>The floor: the hand-written HttpClient + Newtonsoft call into the SDK's DTOs, no resilience, a fixed token.</summary>
public sealed class FloorPeer : PeerClient
{
    private readonly FloorClient _floor;
    private readonly string _pagePath = Payloads.ListPath(PageWorkspace);

    public FloorPeer(Uri endpoint) => _floor = new FloorClient(endpoint);

    public override string Name => "floor";

    public override string Description => "hand-written `HttpClient` GET + Newtonsoft into the SDK's DTOs; fixed bearer header, no retry, no timeouts beyond HttpClient's, no request id, no logging";

    public override Task GetImageAsync() => _floor.GetImageAsync();

    public override Task GetPageAsync() => _floor.GetAsync<PaginatedImageList>(_pagePath);

    public override async Task<ImageSnapshot> GetImageSnapshotAsync() => SdkPeer.Snapshot(await _floor.GetImageAsync().ConfigureAwait(false));

    public override async Task<(int Count, ImageSnapshot First, ImageSnapshot Last)> GetPageSnapshotAsync() =>
        SdkPeer.Snapshot((await _floor.GetAsync<PaginatedImageList>(_pagePath).ConfigureAwait(false)).Value);

    public override ValueTask DisposeAsync()
    {
        _floor.Dispose();
        return base.DisposeAsync();
    }
}

/// <summary>The SDK with default options, as in every other benchmark here (<see cref="Clients.CreateSdk"/>).</summary>
public sealed class SdkPeer : PeerClient
{
    private readonly ImageServiceClient _image;
    private readonly ImageServiceClient _list;
    private readonly ILoggerFactory _imageLogging;
    private readonly ILoggerFactory _listLogging;

    public SdkPeer(Uri endpoint)
    {
        (_image, _, _imageLogging) = Clients.CreateSdk(endpoint);
        (_list, _, _listLogging) = Clients.CreateSdk(endpoint, PageWorkspace);
    }

    public override string Name => "SDK";

    public override string Description => "this SDK, default options (`new ImageServiceClient(options)`)";

    public override Task GetImageAsync() => _image.GetImageAsync(Payloads.ImageId);

    public override async Task GetPageAsync()
    {
        await foreach (var page in _list.ListImagesAsync().AsPages().ConfigureAwait(false))
        {
            GC.KeepAlive(page);
        }
    }

    public override async Task<ImageSnapshot> GetImageSnapshotAsync() => Snapshot(await _image.GetImageAsync(Payloads.ImageId).ConfigureAwait(false));

    public override async Task<(int Count, ImageSnapshot First, ImageSnapshot Last)> GetPageSnapshotAsync()
    {
        var items = new List<ImageResponseBase>();
        await foreach (ImageResponseBase image in _list.ListImagesAsync().ConfigureAwait(false))
        {
            items.Add(image);
        }

        return Snapshot(items);
    }

    public override ValueTask DisposeAsync()
    {
        _imageLogging.Dispose();
        _listLogging.Dispose();
        return base.DisposeAsync();
    }

    internal static (int Count, ImageSnapshot First, ImageSnapshot Last) Snapshot(ICollection<ImageResponseBase>? items) => PageSnapshot(items, Snapshot);

    internal static ImageSnapshot Snapshot(ImageResponseBase image) => ImageSnapshot.Of(
        image.Id,
        image.Name,
        image.Version,
        image.CreatedTime,
        image.ModelIds,
        image.ModelDetails?.Select(m => ModelSnapshot.Of(m.Id, m.Name, m.Version, m.Framework, m.FrameworkVersion, m.Datasets?.Select(d => d.Id), m.KvTags)),
        (image as DockerImageResponse)?.TargetRuntime?.RuntimeType?.ToString());
}
