using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Tests.TestSupport;

namespace ImageService.Client.Tests.Operations;

public class CreateImageOperationTests
{
    private static readonly DockerImageRequest s_request = new() { Name = "img", ImageFlavor = ImageFlavor.WebApiContainer };

    /// <summary>POST → 202; each poll answers the next state in <paramref name="states"/>; then GET image.</summary>
    private static TestHandlerStub LroStub(TestClients clients, string[] states, string? finalExtra = null, params (string Name, string Value)[] pollHeaders)
    {
        int poll = 0;
        return clients.Stub((request, _) =>
        {
            string path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Post)
            {
                return TestHandlerStub.Status(HttpStatusCode.Accepted, ("Operation-Location", TestClients.Endpoint + "modelmanagement/v1.0/operations/op-42"));
            }

            if (path.EndsWith("/operations/op-42", StringComparison.Ordinal))
            {
                string state = states[Math.Min(poll++, states.Length - 1)];
                string extra = state is "Running" or "NotStarted" ? string.Empty : finalExtra ?? string.Empty;
                return TestHandlerStub.Json(HttpStatusCode.OK, $$"""{"id":"op-42","state":"{{state}}","resourceLocation":"{{TestClients.Workspace}}/images/img:3"{{extra}}}""", pollHeaders);
            }

            if (path.EndsWith("/images/img%3A3", StringComparison.Ordinal))
            {
                return TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson("img:3", extra: ""","imageBuildLogUri":"https://logs.example/img-3.txt" """));
            }

            return TestHandlerStub.Status(HttpStatusCode.NotFound);
        });
    }

    private static int Polls(TestHandlerStub stub) => stub.Requests.Count(r => r.Uri.AbsolutePath.Contains("/operations/", StringComparison.Ordinal));

    [Fact]
    public async Task WaitForCompletion_Succeeded_ReturnsImageFromResourceLocation()
    {
        var clients = new TestClients();
        TestHandlerStub stub = LroStub(clients, ["Running", "Running", "Succeeded"]);
        ImageServiceClient client = clients.Create(stub);
        var progress = new List<string?>();

        CreateImageOperation operation = await client.StartCreateImageAsync(s_request);
        Assert.False(operation.HasCompleted);
        Assert.Throws<InvalidOperationException>(() => operation.Value);
        ImageResponseBase image = await clients.Time.DriveAsync(
            operation.WaitForCompletionAsync(new SynchronousStatusProgress(s => progress.Add(s.State?.ToString()))), TimeSpan.FromMilliseconds(250));

        Assert.Equal("op-42", operation.Id);
        Assert.True(operation.HasCompleted);
        Assert.Equal("img:3", image.Id);
        Assert.Same(image, operation.Value);
        Assert.Equal(new[] { "Running", "Running", "Succeeded" }, progress);
        Assert.EndsWith(TestClients.Workspace + "/operations/op-42", stub.Requests[1].Uri.AbsolutePath, StringComparison.Ordinal);

        // Without Retry-After, polls are PollingInterval (5 s) apart.
        TransportRequest[] polls = stub.Requests.Where(r => r.Uri.AbsolutePath.Contains("/operations/", StringComparison.Ordinal)).ToArray();
        Assert.InRange((polls[1].Time - polls[0].Time).TotalSeconds, 5, 5.5);
    }

    [Fact]
    public async Task WaitForCompletion_RetryAfterOnPoll_IsHonoured()
    {
        var clients = new TestClients();
        TestHandlerStub stub = LroStub(clients, ["Running", "Succeeded"], null, ("Retry-After", "20"));
        ImageServiceClient client = clients.Create(stub);

        CreateImageOperation operation = await client.StartCreateImageAsync(s_request);
        await clients.Time.DriveAsync(operation.WaitForCompletionAsync(), TimeSpan.FromMilliseconds(250));

        TransportRequest[] polls = stub.Requests.Where(r => r.Uri.AbsolutePath.Contains("/operations/", StringComparison.Ordinal)).ToArray();
        Assert.InRange((polls[1].Time - polls[0].Time).TotalSeconds, 20, 20.5);
    }

    [Theory]
    [InlineData("Retry-After", "0")]
    [InlineData("x-ms-retry-after-ms", "0")]
    [InlineData("Retry-After", "Mon, 01 Jan 2001 00:00:00 GMT")]
    public async Task WaitForCompletion_ServerAsksForNoWait_WaitsMinimumPollingInterval(string header, string value)
    {
        var clients = new TestClients();
        TestHandlerStub stub = LroStub(clients, ["Running", "Running", "Succeeded"], null, (header, value));
        ImageServiceClient client = clients.Create(stub, o => o.MinimumPollingInterval = TimeSpan.FromSeconds(2));

        CreateImageOperation operation = await client.StartCreateImageAsync(s_request);
        await clients.Time.DriveAsync(operation.WaitForCompletionAsync(), TimeSpan.FromMilliseconds(100));

        TransportRequest[] polls = stub.Requests.Where(r => r.Uri.AbsolutePath.Contains("/operations/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, polls.Length);
        Assert.InRange((polls[1].Time - polls[0].Time).TotalSeconds, 2, 2.3);
        Assert.InRange((polls[2].Time - polls[1].Time).TotalSeconds, 2, 2.3);
    }

    [Theory]
    [InlineData("Retry-After", "4294968")]
    [InlineData("x-ms-retry-after-ms", "1e20")]
    [InlineData("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")]
    public async Task WaitForCompletion_ServerAsksForMoreThanMaxDelay_WaitsMaxDelay(string header, string value)
    {
        var clients = new TestClients();
        TestHandlerStub stub = LroStub(clients, ["Running", "Succeeded"], null, (header, value));
        ImageServiceClient client = clients.Create(stub, o => o.MaxDelay = TimeSpan.FromSeconds(40));

        CreateImageOperation operation = await client.StartCreateImageAsync(s_request);
        await clients.Time.DriveAsync(operation.WaitForCompletionAsync(), TimeSpan.FromMilliseconds(500));

        TransportRequest[] polls = stub.Requests.Where(r => r.Uri.AbsolutePath.Contains("/operations/", StringComparison.Ordinal)).ToArray();
        Assert.InRange((polls[1].Time - polls[0].Time).TotalSeconds, 40, 41);
    }

    [Fact]
    public async Task WaitForCompletion_ServerAsksForMoreThanTheBudgetLeaves_EndsAtOperationTimeout()
    {
        var clients = new TestClients();
        TestHandlerStub stub = LroStub(clients, ["Running"], null, ("Retry-After", "50"));
        ImageServiceClient client = clients.Create(stub, o => o.OperationTimeout = TimeSpan.FromSeconds(30));
        DateTimeOffset start = clients.Time.GetUtcNow();

        CreateImageOperation operation = client.GetCreateImageOperation("op-42");
        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => clients.Time.DriveAsync(operation.WaitForCompletionAsync(), TimeSpan.FromMilliseconds(500)));

        Assert.Contains("OperationTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, Polls(stub));
        Assert.InRange((clients.Time.GetUtcNow() - start).TotalSeconds, 30, 31);
    }

    [Theory]
    [InlineData("Retry-After", "0")]
    [InlineData("Retry-After", "Mon, 01 Jan 2001 00:00:00 GMT")]
    [InlineData(null, null)]
    public async Task WaitForCompletion_PollAnsweredAfterTheBudgetBeforeItsTimerRan_ThrowsTheOperationTimeout(string? header, string? value)
    {
        // CI saw this on a loaded machine: the poll came back once the budget was spent but before its timer had run,
        // and the wait before the next poll came out negative (ArgumentOutOfRangeException from Task.Delay).
        var clients = new TestClients();
        var clock = new LateTimerClock(clients.Time);
        (string, string)[] headers = header is null ? [] : [(header, value!)];
        TestHandlerStub stub = clients.Stub((request, _) =>
        {
            clock.Skip(TimeSpan.FromSeconds(31));
            return TestHandlerStub.Json(HttpStatusCode.OK, """{"id":"op-42","state":"Running"}""", headers);
        });
        ImageServiceClient client = clients.Create(stub, o =>
        {
            o.OperationTimeout = TimeSpan.FromSeconds(30);
            o.TimeProvider = clock;
        });

        CreateImageOperation operation = client.GetCreateImageOperation("op-42");
        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => clients.Time.DriveAsync(operation.WaitForCompletionAsync(), TimeSpan.FromMilliseconds(500)));

        Assert.Contains("OperationTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, Polls(stub));
    }

    [Fact]
    public async Task WaitForCompletion_ExplicitInterval_IsUsed()
    {
        var clients = new TestClients();
        TestHandlerStub stub = LroStub(clients, ["Running", "Succeeded"]);
        ImageServiceClient client = clients.Create(stub);

        CreateImageOperation operation = await client.StartCreateImageAsync(s_request);
        await clients.Time.DriveAsync(operation.WaitForCompletionAsync(TimeSpan.FromSeconds(2), CancellationToken.None), TimeSpan.FromMilliseconds(100));

        TransportRequest[] polls = stub.Requests.Where(r => r.Uri.AbsolutePath.Contains("/operations/", StringComparison.Ordinal)).ToArray();
        Assert.InRange((polls[1].Time - polls[0].Time).TotalSeconds, 2, 2.3);
    }

    [Theory]
    [InlineData("Failed")]
    [InlineData("Cancelled")]
    [InlineData("TimedOut")]
    public async Task WaitForCompletion_NotSucceeded_ThrowsWithErrorLogAndBuildLog(string state)
    {
        var clients = new TestClients();
        TestHandlerStub stub = LroStub(clients, ["Running", state], ""","operationLog":"step 3: pip failed","error":{"code":"BuildFailed","statusCode":400,"message":"The Docker build failed."}""");
        ImageServiceClient client = clients.Create(stub);

        CreateImageOperation operation = await client.StartCreateImageAsync(s_request);
        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => clients.Time.DriveAsync(operation.WaitForCompletionAsync(), TimeSpan.FromMilliseconds(250)));

        Assert.Equal("BuildFailed", ex.ErrorCode);
        Assert.Equal("The Docker build failed.", ex.Error?.Message);
        Assert.Equal("step 3: pip failed", ex.OperationLog);
        Assert.Equal(new Uri("https://logs.example/img-3.txt"), ex.BuildLogUri);
        Assert.Equal("op-42", ex.OperationId);
        Assert.Contains(state, ex.Message, StringComparison.Ordinal);
        Assert.Contains("The Docker build failed.", ex.Message, StringComparison.Ordinal);
        Assert.True(operation.HasCompleted);
        Assert.Same(ex, Assert.Throws<ImageServiceException>(() => operation.Value));
    }

    [Fact]
    public async Task GetCreateImageOperation_FromIdAlone_ResumesPolling()
    {
        var clients = new TestClients();
        TestHandlerStub stub = LroStub(clients, ["Succeeded"]);
        ImageServiceClient client = clients.Create(stub);

        CreateImageOperation operation = client.GetCreateImageOperation("op-42");
        AsyncOperationStatus status = await operation.UpdateStatusAsync();

        Assert.Equal(AsyncOperationState.Succeeded, status.State);
        Assert.True(operation.HasCompleted);
        Assert.Equal("img:3", operation.Value.Id);
        Assert.DoesNotContain(stub.Requests, r => r.Method == HttpMethod.Post);
    }

    [Fact]
    public async Task WaitForCompletion_Cancelled_ThrowsOperationCanceled()
    {
        var clients = new TestClients();
        TestHandlerStub stub = LroStub(clients, ["Running"]);
        ImageServiceClient client = clients.Create(stub);
        using var cts = new CancellationTokenSource();

        CreateImageOperation operation = client.GetCreateImageOperation("op-42");
        Task<ImageResponseBase> wait = operation.WaitForCompletionAsync(cancellationToken: cts.Token);
        while (Polls(stub) == 0)
        {
            await Task.Yield();
        }

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.False(operation.HasCompleted);
    }

    [Fact]
    public async Task WaitForCompletion_BeyondOperationTimeout_ThrowsImageServiceException()
    {
        var clients = new TestClients();
        TestHandlerStub stub = LroStub(clients, ["Running"]);
        ImageServiceClient client = clients.Create(stub, o => o.OperationTimeout = TimeSpan.FromSeconds(30));

        CreateImageOperation operation = client.GetCreateImageOperation("op-42");
        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => clients.Time.DriveAsync(operation.WaitForCompletionAsync(), TimeSpan.FromMilliseconds(500)));

        Assert.Contains("OperationTimeout", ex.Message, StringComparison.Ordinal);
        Assert.InRange(Polls(stub), 6, 8);
    }

    [Fact]
    public async Task CreateImage_StartsAndWaits()
    {
        var clients = new TestClients();
        TestHandlerStub stub = LroStub(clients, ["Succeeded"]);
        ImageServiceClient client = clients.Create(stub);

        ImageResponseBase image = await client.CreateImageAsync(s_request);

        Assert.Equal("img:3", image.Id);
        Assert.Equal(HttpMethod.Post, stub.Requests[0].Method);
        Assert.Equal("""{"name":"img","imageType":"Docker","imageFlavor":"WebApiContainer"}""", stub.Requests[0].Body);
    }

    [Fact]
    public async Task StartCreate_NoOperationLocation_Throws()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Status(HttpStatusCode.Accepted));
        ImageServiceClient client = clients.Create(stub);

        var ex = await Assert.ThrowsAsync<ImageServiceException>(() => client.StartCreateImageAsync(s_request));

        Assert.Contains("Operation-Location", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartCreateProfile_Succeeded_ReturnsProfile()
    {
        var clients = new TestClients();
        var stub = clients.Stub((request, _) =>
        {
            string path = request.RequestUri!.AbsolutePath;
            return request.Method == HttpMethod.Post
                ? TestHandlerStub.Status(HttpStatusCode.Accepted, ("Operation-Location", "operations/op-p"))
                : path.EndsWith("/operations/op-p", StringComparison.Ordinal)
                    ? TestHandlerStub.Json(HttpStatusCode.OK, """{"id":"op-p","state":"Succeeded","resourceLocation":"/x/images/img:1/profiles/prof-1"}""")
                    : TestHandlerStub.Json(HttpStatusCode.OK, """{"name":"prof-1","imageId":"img:1"}""");
        });
        ImageServiceClient client = clients.Create(stub);

        CreateProfileOperation operation = await client.StartCreateProfileAsync("img:1", new ProfileRequestBase { Name = "prof-1" });
        ProfileResponse profile = await operation.WaitForCompletionAsync();

        Assert.Equal("prof-1", profile.Name);
        Assert.EndsWith("/images/img%3A1/profiles/prof-1", stub.Requests[^1].Uri.AbsolutePath, StringComparison.Ordinal);
    }

    private sealed class SynchronousStatusProgress(Action<AsyncOperationStatus> report) : IProgress<AsyncOperationStatus>
    {
        public void Report(AsyncOperationStatus value) => report(value);
    }
}
