using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Client.Internal;

/// <summary>
/// Knows which HTTP/1.1 connection each facade call's request went out on, so that a connection that answered a
/// request with another resource (a desynchronised keep-alive connection: a response nobody asked for was queued ahead
/// of the real one, which then answers the next request, and so on) is closed instead of going back into use.
/// </summary>
/// <remarks>
/// <para>
/// <c>SocketsHttpHandler</c> has no way to close one pooled connection, and by the time the answer has been read its
/// connection is back in the pool. What it honours is a connection whose stream has ended: before it reuses an idle
/// connection it reads ahead on it, and a read that completes (end of stream, or data nobody asked for) makes it drop the
/// connection and open a new one. So the SDK's transport wraps each HTTP/1.1 connection's stream
/// (<see cref="SocketsHttpHandler.PlaintextStreamFilter"/>); the stream records itself in the facade call
/// (<see cref="RequestContext.Call.Connection"/>) when a request is written to it (the write runs in the request's
/// async flow), and <see cref="CloseCurrent"/> ends it (<see cref="TrackedStream.End"/>).
/// </para>
/// <para>
/// HTTP/2 connections are not wrapped: their answers are framed per request and cannot be handed to another one.
/// </para>
/// </remarks>
internal static class ConnectionTracking
{
    public static ValueTask<Stream> Wrap(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.NegotiatedHttpVersion.Major == 1 ? new TrackedStream(context.PlaintextStream) : context.PlaintextStream);

    /// <summary>Closes the HTTP/1.1 connection the current facade call's last request went out on (if the SDK's transport made it).</summary>
    public static void CloseCurrent() => RequestContext.Current?.Connection?.End();

    /// <summary>A connection's stream that says which call last wrote to it, and can be ended from outside.</summary>
    internal sealed class TrackedStream : Stream
    {
        private readonly Stream _inner;
        private volatile bool _closed;

        public TrackedStream(Stream inner) => _inner = inner;

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        /// <summary>Ends the connection: the pool sees the end of the stream and never reuses it.</summary>
        public void End()
        {
            _closed = true;
            _inner.Dispose();
        }

        public override int Read(byte[] buffer, int offset, int count) => _closed ? 0 : _inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => _closed ? 0 : _inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _closed ? ValueTask.FromResult(0) : _inner.ReadAsync(buffer, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Claim();
            _inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Claim();
            return _inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => _inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>A request is being written: it is the current call's, and after an ended stream it must not go out.</summary>
        private void Claim()
        {
            if (_closed)
            {
                throw new IOException("The connection was closed by the image service client: it had answered a request with another resource.");
            }

            if (RequestContext.Current is { } call)
            {
                call.Connection = this;
            }
        }
    }
}
