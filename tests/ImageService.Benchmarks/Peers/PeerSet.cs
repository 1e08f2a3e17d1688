using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace ImageService.Benchmarks.Peers;

/// <summary>The clients compared, in table order, and the check each must pass before it is timed.</summary>
public static class PeerSet
{
    /// <summary>Every client's name, in table order: the floor, the SDK, then the peers.</summary>
    public static readonly string[] Names = ["floor", "SDK", "Refit", "NSwag", "Kiota", "Azure.Core"];

    public static PeerClient Create(string name, Uri endpoint) => name switch
    {
        "floor" => new FloorPeer(endpoint),
        "SDK" => new SdkPeer(endpoint),
        "Refit" => new RefitPeer(endpoint, new CountingCredential()),
        "NSwag" => new NSwagPeer(endpoint, new CountingCredential()),
        "Kiota" => new KiotaPeer(endpoint, new CountingCredential()),
        "Azure.Core" => new AzureCorePeer(endpoint, new CountingCredential()),
        _ => throw new ArgumentException($"Unknown client '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>
    /// Throws <see cref="PeerCheckException"/> unless the client returns the same image as the bench server sends, and
    /// the same page (1,000 images, the same first and last), compared with what the bodies say (read here with
    /// <see cref="JsonDocument"/>, independent of every client).
    /// </summary>
    public static async Task VerifyAsync(PeerClient client)
    {
        ImageSnapshot image;
        (int Count, ImageSnapshot First, ImageSnapshot Last) page;
        try
        {
            image = await client.GetImageSnapshotAsync().ConfigureAwait(false);
            page = await client.GetPageSnapshotAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw new PeerCheckException($"{client.Name}: the check call threw {ex.GetType().Name}: {ex.Message}{(ex.InnerException is { } inner ? $" ({inner.GetType().Name}: {inner.Message})" : string.Empty)}", ex);
        }

        Compare(client.Name, "GET image", Expected(Payloads.ImageJson(7)), image);
        if (page.Count != Payloads.PageSize)
        {
            throw new PeerCheckException($"{client.Name}: the page had {page.Count} images; expected {Payloads.PageSize}.");
        }

        Compare(client.Name, "page, first image", Expected(Payloads.ImageJson(0)), page.First);
        Compare(client.Name, "page, last image", Expected(Payloads.ImageJson(Payloads.PageSize - 1)), page.Last);
    }

    private static void Compare(string client, string what, ImageSnapshot expected, ImageSnapshot actual)
    {
        if (expected != actual)
        {
            throw new PeerCheckException($"{client}: {what} differs from the body the server sent.{Environment.NewLine}  expected: {expected}{Environment.NewLine}  returned: {actual}");
        }
    }

    /// <summary>The snapshot of one body as the server sends it.</summary>
    public static ImageSnapshot Expected(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        return ImageSnapshot.Of(
            root.GetProperty("id").GetString(),
            root.GetProperty("name").GetString(),
            root.GetProperty("version").GetInt64(),
            root.GetProperty("createdTime").GetDateTimeOffset(),
            root.GetProperty("modelIds").EnumerateArray().Select(e => e.GetString()!).ToList(),
            root.GetProperty("modelDetails").EnumerateArray().Select(m => ModelSnapshot.Of(
                m.GetProperty("id").GetString(),
                m.GetProperty("name").GetString(),
                m.GetProperty("version").GetInt64(),
                m.GetProperty("framework").GetString(),
                m.GetProperty("frameworkVersion").GetString(),
                m.GetProperty("datasets").EnumerateArray().Select(d => d.GetProperty("id").GetString()).ToList(),
                m.GetProperty("kvTags").EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)).ToList())).ToList(),
            root.GetProperty("targetRuntime").GetProperty("runtimeType").GetString());
    }

    /// <summary>Parses <c>--peers a,b,c</c>; null or empty: every client.</summary>
    public static string[] Select(string? list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return Names;
        }

        string[] chosen = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] unknown = chosen.Where(c => !Names.Contains(c, StringComparer.OrdinalIgnoreCase)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Unknown client(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Names)}."));
        }

        // The SDK is every ratio's numerator: always in.
        return Names.Where(n => n == "SDK" || chosen.Contains(n, StringComparer.OrdinalIgnoreCase)).ToArray();
    }
}

/// <summary>A client returned a different image (or threw) in its check: its row is not timed.</summary>
public sealed class PeerCheckException : Exception
{
    public PeerCheckException()
    {
    }

    public PeerCheckException(string message)
        : base(message)
    {
    }

    public PeerCheckException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
