using System;
using System.Buffers;
using System.Net.Http;
using System.Threading;

namespace ImageService.Client.Internal;

/// <summary>
/// A response body held in a buffer rented from <see cref="ArrayPool{T}.Shared"/>, returned to the pool when the content
/// (with its response) is disposed. <see cref="HttpContent"/> disposes the read stream it handed out before the buffer
/// goes back, so a body read after its response was disposed fails with <see cref="ObjectDisposedException"/> instead of
/// reading whatever the pool has since put in the array.
/// </summary>
/// <param name="rented">A buffer from <see cref="ArrayPool{T}.Shared"/>; this content owns it from now on.</param>
/// <param name="length">How many of its bytes are the body.</param>
internal sealed class PooledBodyContent(byte[] rented, int length) : ByteArrayContent(rented, 0, length)
{
    private byte[]? _rented = rented;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Interlocked.Exchange(ref _rented, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
