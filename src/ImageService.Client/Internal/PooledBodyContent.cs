using System;
using System.Buffers;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Client.Internal;

/// <summary>
/// A response body held in a buffer rented from <see cref="ArrayPool{T}.Shared"/>, returned to the pool when the content
/// (with its response) is disposed. Every read checks that the buffer is still held, so a body read after its response
/// was disposed fails with <see cref="ObjectDisposedException"/> instead of reading whatever the pool has since put in
/// the array.
/// </summary>
internal sealed class PooledBodyContent : HttpContent
{
    private readonly int _length;
    private byte[]? _buffer;

    /// <param name="rented">A buffer from <see cref="ArrayPool{T}.Shared"/>; this content owns it from now on.</param>
    /// <param name="length">How many of its bytes are the body.</param>
    public PooledBodyContent(byte[] rented, int length)
    {
        _buffer = rented;
        _length = length;
    }

    private ReadOnlySpan<byte> Body => (_buffer ?? throw Disposed()).AsSpan(0, _length);

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new BodyStream(this));

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => new BodyStream(this);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync((_buffer ?? throw Disposed()).AsMemory(0, _length), cancellationToken).AsTask();

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.Write(Body);

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _buffer, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        base.Dispose(disposing);
    }

    private static ObjectDisposedException Disposed() =>
        new(nameof(HttpContent), "The response body was read after its HttpResponseMessage was disposed.");

    /// <summary>A read-only, seekable view of the body that stops working once the content is disposed.</summary>
    private sealed class BodyStream(PooledBodyContent content) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => content._length;

        public override long Position
        {
            get => _position;
            set => _position = (int)Math.Clamp(value, 0, content._length);
        }

        public override int Read(Span<byte> buffer)
        {
            ReadOnlySpan<byte> rest = content.Body[_position..];
            int count = Math.Min(rest.Length, buffer.Length);
            rest[..count].CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            ValidateBufferArguments(buffer, offset, count);
            return Read(buffer.AsSpan(offset, count));
        }

        public override int ReadByte()
        {
            ReadOnlySpan<byte> body = content.Body;
            return _position < body.Length ? body[_position++] : -1;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => content._length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
