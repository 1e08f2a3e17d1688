using System;
using System.Buffers;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using ImageService.Client.Internal;

namespace ImageService.Client.Tests.Internal;

public class PooledBodyContentTests
{
    [Fact]
    public async Task ReadAsStreamAsync_RentedBufferLongerThanTheBody_ReadsTheBodyOnly()
    {
        using PooledBodyContent content = Content("{\"id\":\"img:1\"}");

        using var reader = new StreamReader(await content.ReadAsStreamAsync());

        Assert.Equal("{\"id\":\"img:1\"}", await reader.ReadToEndAsync());
        Assert.Equal(14, content.Headers.ContentLength);
    }

    [Fact]
    public async Task ReadAsStringAsyncAndCopyToAsync_ReadTheBody()
    {
        using PooledBodyContent content = Content("{\"error\":\"gone\"}");
        using var copy = new MemoryStream();

        string text = await content.ReadAsStringAsync();
        await content.CopyToAsync(copy);

        Assert.Equal("{\"error\":\"gone\"}", text);
        Assert.Equal("{\"error\":\"gone\"}", Encoding.UTF8.GetString(copy.ToArray()));
    }

    [Fact]
    public async Task Read_AfterTheContentIsDisposed_ThrowsObjectDisposedException()
    {
        // The buffer is back in the pool once the response is disposed; a reader that kept the stream must not see
        // whatever the pool puts there next.
        PooledBodyContent content = Content("{\"id\":\"img:1\"}");
        Stream stream = await content.ReadAsStreamAsync();

        content.Dispose();

        Assert.Throws<ObjectDisposedException>(() => stream.Read(new byte[4], 0, 4));
        Assert.Throws<ObjectDisposedException>(() => stream.ReadByte());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await stream.ReadExactlyAsync(new byte[4]));
    }

    [Fact]
    public void Dispose_Twice_ReturnsTheBufferOnce()
    {
        // A buffer returned twice would be rented to two callers at once.
        PooledBodyContent content = Content("x");

        content.Dispose();
        content.Dispose();

        byte[] first = ArrayPool<byte>.Shared.Rent(64);
        byte[] second = ArrayPool<byte>.Shared.Rent(64);
        Assert.NotSame(first, second);
        ArrayPool<byte>.Shared.Return(first);
        ArrayPool<byte>.Shared.Return(second);
    }

    private static PooledBodyContent Content(string body)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(bytes.Length, 64));
        Array.Fill(rented, (byte)'#');
        bytes.CopyTo(rented, 0);
        return new PooledBodyContent(rented, bytes.Length);
    }
}
