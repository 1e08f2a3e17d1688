using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests;

/// <summary>The request log keeps a bounded window, and never the headers of a request that failed authentication.</summary>
public sealed class RequestLogTests
{
    [Fact]
    public async Task Flood_TwentyThousandRequests_KeepsOnlyTheWindowAndNoUnauthenticatedHeaders()
    {
        const int Requests = 20_000;
        const int Window = 500;
        await using var h = await Harness.StartAsync(o => o.RequestLogCapacity = Window);
        string bigHeader = new('x', 16 * 1024);
        using var anonymous = new HttpClient { BaseAddress = h.Http.BaseAddress };

        // Eight connections at a time; the last requests are authenticated ones, so the window ends with them.
        await Parallel.ForAsync(0, Requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            bool authenticated = i % 4 == 0;
            using var request = new HttpRequestMessage(HttpMethod.Get, "images?count=1");
            request.Headers.Add("x-flood", bigHeader);
            if (authenticated)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", h.Emulator.AccessToken);
            }

            using var response = await (authenticated ? h.Http : anonymous).SendAsync(request, cancellationToken);
            Assert.Equal(authenticated ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, response.StatusCode);
        });
        for (int i = 0; i < 10; i++)
        {
            using var last = await h.Http.GetAsync("images?tail=" + i);
        }

        var kept = h.Emulator.Requests;
        Assert.Equal(Window, kept.Count);
        Assert.Equal(Requests + 10, h.Emulator.RequestCount);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => "?tail=" + i), kept.TakeLast(10).Select(r => r.PathAndQuery[r.PathAndQuery.IndexOf('?', StringComparison.Ordinal)..]));
        Assert.All(kept.Where(r => !r.Authenticated), r =>
        {
            Assert.Equal(401, r.StatusCode);
            Assert.Empty(r.Headers);
        });
        Assert.Contains(kept, r => !r.Authenticated);
        Assert.All(kept.Where(r => r.Authenticated && r.PathAndQuery.Contains("count=1", StringComparison.Ordinal)), r => Assert.Equal(bigHeader, r.Headers["x-flood"]));
    }

    [Fact]
    public async Task Requests_Default_KeepsTheDocumentedWindow()
    {
        await using var h = await Harness.StartAsync();
        Assert.Equal(EmulatorOptions.DefaultRequestLogCapacity, h.Emulator.Options.RequestLogCapacity);
        for (int i = 0; i < 3; i++)
        {
            using var response = await h.Http.GetAsync("images");
        }

        Assert.Equal(3, h.Emulator.Requests.Count);
        h.Emulator.ClearRequests();
        Assert.Empty(h.Emulator.Requests);
        Assert.Equal(3, h.Emulator.RequestCount);
    }

    [Fact]
    public async Task Requests_ReadRightAfterEachAnswer_IncludeThatRequest()
    {
        // A recording made after the answer was sent loses this race now and then; many rounds, with answers of
        // several kinds (a list, a 404, an unauthenticated 401), make a lost race show.
        await using var h = await Harness.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = h.Http.BaseAddress };
        string[] paths = ["images?round=", "images/absent:1?round=", "operations/absent?round="];
        for (int i = 0; i < 1_000; i++)
        {
            string path = paths[i % paths.Length] + i;
            using var response = await (i % 5 == 4 ? anonymous : h.Http).GetAsync(path);
            var newest = h.Emulator.Requests[^1];
            Assert.EndsWith("/" + path, newest.PathAndQuery, StringComparison.Ordinal);
            Assert.Equal((int)response.StatusCode, newest.StatusCode);
            Assert.Equal(i + 1, h.Emulator.RequestCount);
        }
    }

    [Fact]
    public async Task Start_NegativeWindow_IsRefused()
    {
        var refused = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ImageServiceEmulator.StartAsync(new EmulatorOptions { RequestLogCapacity = -1 }));
        Assert.Contains("RequestLogCapacity", refused.Message, StringComparison.Ordinal);
    }
}
