using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Internal;

namespace ImageService.Client.Tests.Internal;

public class ResponseReaderTests
{
    private static readonly IReadOnlyDictionary<string, IEnumerable<string>> s_noHeaders = new Dictionary<string, IEnumerable<string>>();

    // Two-, three- and four-byte UTF-8 sequences, repeated so that some straddle every boundary of the reader's small
    // byte buffer and of the JSON reader's pooled character buffer.
    [Theory]
    [InlineData("é")]
    [InlineData("€")]
    [InlineData("😀")]
    [InlineData("aé€😀")]
    public async Task ReadAsync_MultiByteCharactersAcrossBufferBoundaries_ReadsEveryCharacter(string unit)
    {
        string value = string.Concat(Enumerable.Repeat(unit, 5_000));

        Dictionary<string, string>? body = await ReadAsync<Dictionary<string, string>>(Encoding.UTF8.GetBytes($"{{\"description\":\"{value}\",\"name\":\"n\"}}"));

        Assert.NotNull(body);
        Assert.Equal(value, body["description"]);
        Assert.Equal("n", body["name"]);
    }

    [Fact]
    public async Task ReadAsync_BodyWithUtf8ByteOrderMark_ReadsTheBody()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"name\":\"loan-scorer\"}");

        Dictionary<string, string>? body = await ReadAsync<Dictionary<string, string>>([.. Encoding.UTF8.Preamble, .. json]);

        Assert.Equal("loan-scorer", body?["name"]);
    }

    [Fact]
    public async Task ReadAsync_ManyReadsInARow_EachGetsItsOwnCharacters()
    {
        // The JSON reader's buffers come from a shared pool: a buffer returned by one read must not leak into the next.
        for (int i = 0; i < 200; i++)
        {
            string value = new((char)('a' + (i % 26)), 1_000 + i);
            Dictionary<string, string>? body = await ReadAsync<Dictionary<string, string>>(Encoding.UTF8.GetBytes($"{{\"v\":\"{value}\"}}"));
            Assert.Equal(value, body?["v"]);
        }
    }

    [Fact]
    public async Task ReadAsync_TruncatedJson_ThrowsApiExceptionWithThePath()
    {
        ApiException error = await Assert.ThrowsAsync<ApiException>(() => ReadAsync<Dictionary<string, string>>(Encoding.UTF8.GetBytes("{\"name\":\"loan-")));

        Assert.Equal(200, error.StatusCode);
        Assert.Contains("could not be read as JSON", error.Message, StringComparison.Ordinal);
    }

    private static async Task<T?> ReadAsync<T>(byte[] body)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
        return await ResponseReader.ReadAsync<T>(response, s_noHeaders, CancellationToken.None);
    }
}
