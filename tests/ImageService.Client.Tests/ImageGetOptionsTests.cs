using System;
using System.Net;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Tests.TestSupport;

namespace ImageService.Client.Tests;

/// <summary><see cref="ImageGetOptions"/>: what the generator made of the spec's Images_QueryById parameters, and how GetImageAsync sends them.</summary>
public class ImageGetOptionsTests
{
    [Fact]
    public void ImageGetOptions_Generated_HasExpandFromTheSpec()
    {
        Assert.Equal(typeof(bool?), typeof(ImageGetOptions).GetProperty("Expand")!.PropertyType);
        Assert.Single(typeof(ImageGetOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance));
    }

    [Theory]
    [InlineData(true, "?expand=true")]
    [InlineData(false, "?expand=false")]
    [InlineData(null, "")]
    public async Task GetImageAsync_Options_SendsExpandOnlyWhenSet(bool? expand, string query)
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson("img:1")));
        ImageServiceClient client = clients.Create(stub);

        ImageResponseBase image = await client.GetImageAsync("img:1", new ImageGetOptions { Expand = expand });

        Assert.Equal("img:1", image.Id);
        Assert.Equal(query, Assert.Single(stub.Requests).Uri.Query);
    }

    [Fact]
    public async Task GetImageAsync_WithoutOptions_SendsNoQuery()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson("img:1")));
        ImageServiceClient client = clients.Create(stub);

        await client.GetImageAsync("img:1");
        await client.GetImageAsync("img:1", CancellationToken.None);

        Assert.All(stub.Requests, r => Assert.Equal(string.Empty, r.Uri.Query));
        Assert.Equal(2, stub.Requests.Count);
    }
}
