using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;

namespace ImageService.Client.Tests.Customizations;

public class ResponseHeadersTests
{
    [Fact]
    public void TryGetValue_AfterResponseDisposed_ReadsResponseAndContentHeaders()
    {
        HttpResponseMessage response = Response();
        var headers = new ResponseHeaders(response);

        response.Dispose();

        Assert.True(headers.TryGetValue("Operation-Location", out IEnumerable<string>? location));
        Assert.Equal("https://mms.example/operations/op-1", Assert.Single(location!));
        Assert.Equal("application/json; charset=utf-8", Assert.Single(headers["Content-Type"]));
    }

    [Fact]
    public void TryGetValue_NameInAnotherCase_Matches()
    {
        using HttpResponseMessage response = Response();
        var headers = new ResponseHeaders(response);

        Assert.True(headers.ContainsKey("operation-location"));
        Assert.Equal("1500", Assert.Single(headers["X-MS-RETRY-AFTER-MS"]));
        Assert.False(headers.TryGetValue("Retry-After", out _));
    }

    [Fact]
    public void GetEnumerator_EveryHeader_ListedOnceWithItsValues()
    {
        using HttpResponseMessage response = Response();
        response.Headers.TryAddWithoutValidation("x-ms-multi", ["a", "b"]);
        var headers = new ResponseHeaders(response);

        Dictionary<string, string[]> listed = headers.ToDictionary(h => h.Key, h => h.Value.ToArray());

        Assert.Equal(headers.Count, listed.Count);
        Assert.Equal(["a", "b"], listed["x-ms-multi"]);
        Assert.Contains("Content-Type", headers.Keys);
        Assert.Equal(4, headers.Values.Count());
    }

    [Fact]
    public void Indexer_ResponseReadBeforeAndAfterChange_KeepsTheFirstCopy()
    {
        using HttpResponseMessage response = Response();
        var headers = new ResponseHeaders(response);
        Assert.Equal("1500", Assert.Single(headers["x-ms-retry-after-ms"]));

        response.Headers.Remove("x-ms-retry-after-ms");

        Assert.Equal("1500", Assert.Single(headers["x-ms-retry-after-ms"]));
    }

    private static HttpResponseMessage Response()
    {
        var response = new HttpResponseMessage(HttpStatusCode.Accepted)
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation("Operation-Location", "https://mms.example/operations/op-1");
        response.Headers.TryAddWithoutValidation("x-ms-retry-after-ms", "1500");
        return response;
    }
}
