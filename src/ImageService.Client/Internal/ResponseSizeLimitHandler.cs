using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Client.Internal;

/// <summary>
/// Innermost handler: refuses a response whose Content-Length exceeds MaxResponseBytes, and wraps a body without one
/// (chunked) so that a stream growing past the limit fails instead of exhausting memory.
/// </summary>
internal sealed class ResponseSizeLimitHandler : DelegatingHandler
{
    private readonly long _maxBytes;

    public ResponseSizeLimitHandler(long maxBytes) => _maxBytes = maxBytes;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        RequestContext.IncrementAttempt(request);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content is null)
        {
            return response;
        }

        if (response.Content.Headers.ContentLength is long length)
        {
            if (length > _maxBytes)
            {
                int status = (int)response.StatusCode;
                response.Dispose();
                throw TooLarge(_maxBytes, status);
            }

            // The transport never reads past a declared Content-Length, so the body is bounded already: no wrapper,
            // no per-response copy of the headers.
            return response;
        }

        response.Content = new LimitedContent(response.Content, _maxBytes, (int)response.StatusCode);
        return response;
    }

    internal static ImageServiceException TooLarge(long maxBytes, int status) =>
        new(status, $"The image service response is larger than ImageServiceClientOptions.MaxResponseBytes ({maxBytes} bytes).");

    private sealed class LimitedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly long _maxBytes;
        private readonly int _status;

        public LimitedContent(HttpContent inner, long maxBytes, int status)
        {
            _inner = inner;
            _maxBytes = maxBytes;
            _status = status;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync() =>
            new LimitedStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), _maxBytes, _status);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new LimitedStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _maxBytes, _status);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            using Stream source = await CreateContentReadStreamAsync().ConfigureAwait(false);
            await source.CopyToAsync(stream).ConfigureAwait(false);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            using Stream source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
            await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class LimitedStream : Stream
    {
        private readonly Stream _inner;
        private readonly long _maxBytes;
        private readonly int _status;
        private long _read;

        public LimitedStream(Stream inner, long maxBytes, int status)
        {
            _inner = inner;
            _maxBytes = maxBytes;
            _status = status;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(_inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            _read += read;
            if (_read > _maxBytes)
            {
                throw TooLarge(_maxBytes, _status);
            }

            return read;
        }
    }
}
