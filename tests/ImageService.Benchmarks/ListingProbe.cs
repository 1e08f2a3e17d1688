using System;
using System.Globalization;
using System.Threading.Tasks;
using ImageService.Client;
using Microsoft.Extensions.Logging;

namespace ImageService.Benchmarks;

/// <summary>
/// Memory of a listing as it grows: one enumeration of 10,000 images and one of 100,000, each measuring the heap it
/// started from (after a warm-up listing), the peak live managed heap (<c>GC.GetTotalMemory(true)</c> at every page boundary, with the
/// enumerator open) and the live heap at the last item. A streaming listing keeps both flat: one page at a time.
/// (The heap without a forced collection mostly measures the gen0 budget, which follows the allocation rate.)
/// </summary>
public static class ListingProbe
{
    public static string Workspace(int items) => "list-" + (items / Payloads.PageSize).ToString(CultureInfo.InvariantCulture);

    public static async Task<int> CountAsync(ImageServiceClient client)
    {
        int count = 0;
        await foreach (ImageResponseBase image in client.ListImagesAsync(new ImageListOptions { PageSize = Payloads.PageSize }).ConfigureAwait(false))
        {
            if (image is DockerImageResponse)
            {
                count++;
            }
        }

        return count;
    }

    public static async Task<Sample> MeasureAsync(Uri endpoint, int items)
    {
        (ImageServiceClient client, _, ILoggerFactory logging) = Clients.CreateSdk(endpoint, Workspace(items));
        using (logging)
        {
            await CountAsync(client).ConfigureAwait(false); // warm: JIT, connections, contracts
            long baseline = GC.GetTotalMemory(forceFullCollection: true);
            long peak = 0;
            long live = 0;
            int count = 0;
            await foreach (ImageResponseBase image in client.ListImagesAsync(new ImageListOptions { PageSize = Payloads.PageSize }).ConfigureAwait(false))
            {
                count++;
                if (count % Payloads.PageSize == 0)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                }

                if (count == items)
                {
                    GC.KeepAlive(image);
                    live = GC.GetTotalMemory(forceFullCollection: true);
                }
            }

            Check.That(count == items, $"Listed {count} images; expected {items}.");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// listing {items}: baseline {baseline:N0} B, peak {peak:N0} B, live at the last item {live:N0} B"));
            return new Sample(items, baseline, peak, live);
        }
    }

    public readonly record struct Sample(int Items, long BaselineBytes, long PeakBytes, long LiveBytes);
}
