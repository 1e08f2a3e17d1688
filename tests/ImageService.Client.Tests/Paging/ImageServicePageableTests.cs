using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Tests.TestSupport;

namespace ImageService.Client.Tests.Paging;

public class ImageServicePageableTests
{
    private const string Page2 = TestClients.Endpoint + "modelmanagement/v1.0/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/ws-1/images?count=2&$skipToken=p2";
    private const string Page3 = TestClients.Endpoint + "modelmanagement/v1.0/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/ws-1/images?count=2&$skipToken=p3";

    private static TestHandlerStub PagedStub(TestClients clients) => clients.Stub((request, _) =>
    {
        string query = request.RequestUri!.Query;
        return TestHandlerStub.Json(HttpStatusCode.OK, query.Contains("skipToken=p2", StringComparison.Ordinal)
            ? $$"""{"value":[{"id":"c:1"},{"id":"d:1"}],"nextLink":"{{Page3}}"}"""
            : query.Contains("skipToken=p3", StringComparison.Ordinal)
                ? """{"value":[{"id":"e:1"}]}"""
                : $$"""{"value":[{"id":"a:1","imageFlavor":"WebApiContainer"},{"id":"b:1"}],"nextLink":"{{Page2}}"}""");
    });

    [Fact]
    public async Task ListImages_Enumerate_FollowsNextLinkLazily()
    {
        var clients = new TestClients();
        TestHandlerStub stub = PagedStub(clients);
        ImageServiceClient client = clients.Create(stub);

        var ids = new List<string?>();
        await foreach (ImageResponseBase image in client.ListImagesAsync())
        {
            ids.Add(image.Id);
            if (ids.Count == 1)
            {
                Assert.Equal(1, stub.Count); // the second page is not fetched before it is needed
                Assert.IsType<DockerImageResponse>(image);
            }
        }

        Assert.Equal(new[] { "a:1", "b:1", "c:1", "d:1", "e:1" }, ids);
        Assert.Equal(3, stub.Count);
        Assert.Equal(Page2, stub.Requests[1].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task ListImages_Filter_IsSentAsQuery()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, """{"value":[]}"""));
        ImageServiceClient client = clients.Create(stub);
        var filter = new ImageListOptions { Name = "img", ModelId = "m:1", OrderBy = ImageOrderBy.CreatedAtAsc, PageSize = 5, Expand = true };
        filter.Tags["team"] = null;
        filter.Tags["stage"] = "dev";
        filter.Properties["owner"] = "me";

        await foreach (ImageResponseBase _ in client.ListImagesAsync(filter))
        {
        }

        string query = Uri.UnescapeDataString(stub.Requests[0].Uri.Query);
        Assert.Equal("?name=img&tags=team,stage=dev&properties=owner=me&modelId=m:1&count=5&orderBy=CreatedAtAsc&expand=true", query);
    }

    [Fact]
    public async Task AsPages_ResumeFromContinuationToken_InAnotherClient()
    {
        var clients = new TestClients();
        ImageServiceClient first = clients.Create(PagedStub(clients));
        string? token = null;
        await foreach (ImageServicePage<ImageResponseBase> page in first.ListImagesAsync().AsPages(pageSizeHint: 2))
        {
            Assert.Equal(new[] { "a:1", "b:1" }, page.Values.Select(v => v.Id));
            token = page.ContinuationToken;
            break; // the process "stops" after the first page
        }

        Assert.Equal(Page2, token);

        TestHandlerStub secondStub = PagedStub(clients);
        ImageServiceClient second = clients.Create(secondStub);
        var pages = new List<ImageServicePage<ImageResponseBase>>();
        await foreach (ImageServicePage<ImageResponseBase> page in second.ListImagesAsync().AsPages(token))
        {
            pages.Add(page);
        }

        Assert.Equal(new[] { "c:1", "d:1", "e:1" }, pages.SelectMany(p => p.Values).Select(v => v.Id));
        Assert.Equal(Page2, secondStub.Requests[0].Uri.AbsoluteUri);
        Assert.Null(pages[^1].ContinuationToken);
    }

    [Fact]
    public async Task AsPages_PageSizeHint_IsSentAsCount()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, """{"value":[]}"""));
        ImageServiceClient client = clients.Create(stub);

        await foreach (ImageServicePage<ImageResponseBase> _ in client.ListImagesAsync().AsPages(pageSizeHint: 7))
        {
        }

        Assert.Contains("count=7", stub.Requests[0].Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListImages_NextLinkLoop_IsStopped()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, $$"""{"value":[],"nextLink":"{{Page2}}"}"""));
        ImageServiceClient client = clients.Create(stub);

        await Assert.ThrowsAsync<ImageServiceException>(async () =>
        {
            await foreach (ImageResponseBase _ in client.ListImagesAsync())
            {
            }
        });

        Assert.Equal(2, stub.Count);
    }

    [Fact]
    public async Task ListImages_Cancelled_ThrowsOperationCanceled()
    {
        var clients = new TestClients();
        ImageServiceClient client = clients.Create(PagedStub(clients));
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (ImageResponseBase _ in client.ListImagesAsync(cancellationToken: cts.Token))
            {
                cts.Cancel();
            }
        });
    }

    [Fact]
    public async Task ListProfiles_FollowsNextLink()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, i) => TestHandlerStub.Json(HttpStatusCode.OK, i == 0
            ? $$"""{"value":[{"name":"p1"}],"nextLink":"{{TestClients.Endpoint}}profiles-page-2"}"""
            : """{"value":[{"name":"p2"}]}"""));
        ImageServiceClient client = clients.Create(stub);

        var names = new List<string?>();
        await foreach (ProfileResponse profile in client.ListProfilesAsync("img:1"))
        {
            names.Add(profile.Name);
        }

        Assert.Equal(new[] { "p1", "p2" }, names);
        Assert.EndsWith("/images/img%3A1/profiles", stub.Requests[0].Uri.AbsolutePath, StringComparison.Ordinal);
    }

    [ThreadStatic]
    private static bool t_completingFetch;

    [Fact]
    public async Task Enumerate_NextPageReadyAtOnce_IsNotConsumedOnThePreviousPagesCompletionStack()
    {
        var firstPage = new TaskCompletionSource<ImageServicePage<int>>(TaskCreationOptions.None); // inline continuations allowed
        int fetches = 0;
        var pageable = new FuncPageable<int>(
            (token, _, _) => Interlocked.Increment(ref fetches) == 1
                ? firstPage.Task
                : Task.FromResult(new ImageServicePage<int>([3, 4], null)), // the next page "already buffered": synchronous
            CancellationToken.None);
        var consumedInsideFirstCompletion = new List<bool>();
        Task consumer = Task.Run(async () =>
        {
            await foreach (int value in pageable)
            {
                consumedInsideFirstCompletion.Add(t_completingFetch);
            }
        });
        while (Volatile.Read(ref fetches) == 0)
        {
            await Task.Yield(); // the consumer has asked for the first page
        }

        // The first page completes on a thread of its own, as a socket read's completion would: no synchronization
        // context (xunit's would capture the consumer's continuations) and no thread-pool queue of its own (whose
        // items another completion could run), so the flag marks exactly the frames of this completion.
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completion = new Thread(() =>
        {
            t_completingFetch = true;
            try
            {
                firstPage.SetResult(new ImageServicePage<int>([1, 2], "next"));
            }
            finally
            {
                t_completingFetch = false;
                completed.SetResult();
            }
        });
        completion.Start();
        await completed.Task.WaitAsync(TimeSpan.FromMinutes(5));

        // A bound against a hang (the consumer never finishing), not a speed check: minutes, for a loaded machine.
        await consumer.WaitAsync(TimeSpan.FromMinutes(5));
        // Frames of the first page's completion hold that page: the second page must be read after they return.
        Assert.Equal(4, consumedInsideFirstCompletion.Count);
        Assert.Equal([false, false], consumedInsideFirstCompletion.Skip(2));
    }
}
