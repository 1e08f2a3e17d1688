using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;
using Xunit.Abstractions;

namespace ImageService.Client.IntegrationTests.Hostile;

/// <summary>
/// Issue 25, item 4: answer identity. A keep-alive HTTP/1.1 connection on which one response too many was written
/// hands each later request the answer of the one before. Where the request names the resource, the SDK refuses an
/// answer that names another one, and closes the connection it came on, so the next call gets its own answer.
/// </summary>
public sealed class AnswerIdentityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("get", "image 'img:2' with image 'img:1'")]
    [InlineData("patch", "image 'img:2' with image 'img:1'")]
    [InlineData("tags", "image 'img:2' with image 'img:1'")]
    [InlineData("delete", "image 'img:2' with image 'img:1'")]
    [InlineData("poll", "operation 'op-2' with operation 'img:1'")]
    [InlineData("profile", "profile 'latency' with profile 'img'")]
    public async Task Call_AnswerNamesAnotherResource_ThrowsAndTheNextCallGetsItsOwnAnswerOnANewConnection(string call, string refused)
    {
        await using DesyncServer server = DesyncServer.Start();
        using ClientHost host = ClientHost.Create(options =>
        {
            options.Endpoint = server.BaseAddress;
            options.SubscriptionId = "sub";
            options.ResourceGroup = "rg";
            options.Workspace = "ws";
            options.Credential = new StaticTokenCredential("token");
            options.TotalRequestTimeout = HostileServer.PatientTotalRequestTimeout;
            options.AttemptTimeout = HostileServer.PatientTotalRequestTimeout / 2;
        });
        ImageServiceClient client = host.Client;

        Assert.Equal("img:1", (await client.GetImageAsync("img:1")).Id);
        (Exception? failure, _) = await HostileServer.EndsWithinAsync(HostileServer.PatientTotalRequestTimeout, () => CallAsync(client, call), output);
        ImageResponseBase next = await client.GetImageAsync("img:3");

        var typed = Assert.IsType<ImageServiceException>(failure);
        Assert.Contains(refused, typed.Message, StringComparison.Ordinal);
        Assert.Equal(200, typed.Status);
        Assert.Equal("img:3", next.Id);
        Assert.Equal(2, server.Connections);
        Assert.StartsWith("2: GET ", server.Log[^1], StringComparison.Ordinal);
    }

    private static Task CallAsync(ImageServiceClient client, string call) => call switch
    {
        "get" => client.GetImageAsync("img:2"),
        "patch" => client.UpdateImageAsync("img:2", new ImagePatch().AddTags(new Dictionary<string, string> { ["stage"] = "approved" })),
        "tags" => client.AddTagsAsync("img:2", new Dictionary<string, string> { ["stage"] = "approved" }),
        "delete" => client.DeleteImageAsync("img:2"),
        "poll" => client.GetOperationAsync("op-2"),
        "profile" => client.GetProfileAsync("img:2", "latency"),
        _ => throw new ArgumentOutOfRangeException(nameof(call), call, null),
    };
}
