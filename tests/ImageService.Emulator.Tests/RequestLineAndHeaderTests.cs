using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests;

/// <summary>
/// What arrives before the body: a path with dot segments is not resolved (<c>images/.</c> is not the list), and a
/// header value that is not printable ASCII is refused with a 400 in the service's error shape, never echoed into a
/// response header (which Kestrel cannot write: a 500 with an empty body), whether or not the request is authenticated.
/// </summary>
public sealed class RequestLineAndHeaderTests
{
    [Theory]
    [InlineData("images/.")]
    [InlineData("images/..")]
    [InlineData("images/./dotted:1")]
    [InlineData("images/%2E")]
    [InlineData("images/%2e%2E")]
    [InlineData("./images")]
    public async Task Get_PathWithDotSegment_Returns400AndNotTheList(string relative)
    {
        await using var h = await Harness.StartAsync();
        await h.CreateAndWaitAsync("dotted");
        // HttpClient would resolve the dot segments itself; a raw client (or curl --path-as-is) sends them as written.
        var uri = new Uri(h.Emulator.WorkspaceUri.ToString().TrimEnd('/') + "/" + relative, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        using var response = await h.Http.GetAsync(uri);

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("InvalidPath", error["code"]!.GetValue<string>());
        Assert.Contains("dot segment", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x-ms-client-request-id", "r\u00e9quest-\u2603", true)]
    [InlineData("x-ms-client-request-id", "r\u00e9quest-\u2603", false)]
    [InlineData("x-emulator-fault", "\u00e9\u2603", true)]
    [InlineData("x-emulator-fault-once", "5\u00f603", true)]
    public async Task AnyRequest_NonAsciiHeaderValue_Returns400NamingTheHeaderWithoutEchoingIt(string header, string value, bool authenticated)
    {
        await using var h = await Harness.StartAsync();
        // SocketsHttpHandler sends ASCII only unless told otherwise; as UTF-8 bytes, the value reaches Kestrel as a
        // user's tool could send it.
        using var handler = new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 };
        using var http = new HttpClient(handler) { BaseAddress = h.Http.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "images");
        request.Headers.TryAddWithoutValidation(header, value);
        if (authenticated)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", h.Emulator.AccessToken);
        }

        using var response = await http.SendAsync(request);

        var error = await Harness.ErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("InvalidHeader", error["code"]!.GetValue<string>());
        Assert.Contains(header, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers, h => h.Value.Any(v => v.Contains('\u00e9', StringComparison.Ordinal) || v.Any(c => c > 127)));
        Assert.False(response.Headers.Contains("x-emulator-fault-applied"));
    }
}
