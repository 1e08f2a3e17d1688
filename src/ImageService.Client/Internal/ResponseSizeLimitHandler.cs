using System;
using System.Buffers;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Client.Internal;

/// <summary>
/// Innermost handler: reads the whole response body into memory before the response leaves the handler chain, at most
/// MaxResponseBytes of it. The body is read asynchronously with the attempt's token, inside the resilience pipeline,
/// so the attempt timeout, the total timeout and the caller's token bound the body as they bound the headers: a body
/// that stalls or trickles ends as a timeout instead of holding the call (and a thread) for as long as the server
/// likes. Everything above (the generated client, the nextLink reader) deserializes from memory, through
/// <see cref="ResponseReader"/>. A body that cannot be read whole (truncated, dropped, or not matching its
/// Content-Encoding) fails the call only when the call reads it, as before buffering: a 202 or a delete does not.
/// The buffer is rented from <see cref="ArrayPool{T}.Shared"/> and goes back when the response is disposed
/// (<see cref="PooledBodyContent"/>): a page of a thousand images would otherwise be a large-object-heap array per call.
/// </summary>
internal sealed class ResponseSizeLimitHandler : DelegatingHandler
{
    // A body without Content-Length (chunked, or decompressed) starts in a buffer of this size and doubles.
    private const int InitialChunkedBufferBytes = 16 * 1024;

    private readonly long _maxBytes;

    public ResponseSizeLimitHandler(long maxBytes) => _maxBytes = Math.Min(maxBytes, Array.MaxLength - 1); // one more byte must fit to detect an overflow

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            await BufferAsync(response, _maxBytes, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    internal static ImageServiceException TooLarge(long maxBytes, int status) =>
        new(status, $"The image service response is larger than ImageServiceClientOptions.MaxResponseBytes ({maxBytes} bytes).");

    /// <summary>Replaces the response's content with the whole body, read into memory (at most <paramref name="maxBytes"/>).</summary>
    internal static async Task BufferAsync(HttpResponseMessage response, long maxBytes, CancellationToken cancellationToken)
    {
        HttpContent original = response.Content;
        int status = (int)response.StatusCode;
        long? declared = original.Headers.ContentLength;
        if (declared > maxBytes)
        {
            throw TooLarge(maxBytes, status);
        }

        if (original is ByteArrayContent or UnreadableContent)
        {
            return; // already in memory (a stub, an in-memory transport, or read by ResendGuardHandler): nothing to wait for
        }

        HttpContent buffered;
        using (Stream stream = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                buffered = declared is long exact
                    ? await ReadExactlyAsync(stream, (int)exact, cancellationToken).ConfigureAwait(false)
                    : await ReadToEndAsync(stream, maxBytes, status, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                // Truncated, or the connection dropped mid-body. Whether that fails the call depends on whether the
                // call reads the body (a 202 or a delete does not), as when bodies were read above the pipeline.
                buffered = new UnreadableContent(ex);
            }
            catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException)
            {
                // The transport's decompression failed on a body that does not match its Content-Encoding (gzip and
                // deflate throw InvalidDataException, br InvalidOperationException). Never transient: not retried.
                buffered = new UnreadableContent(new ImageServiceException(
                    status,
                    $"The image service sent a compressed body (Content-Encoding) that could not be decoded: {ex.Message}",
                    null,
                    ex));
            }
        }

        foreach (var header in original.Headers)
        {
            // The length is the buffer's: after decompression it differs from what the server declared.
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        response.Content = buffered;
        original.Dispose();
    }

    /// <summary>A body with a Content-Length: the transport never reads past it, so a buffer of at least that size.</summary>
    private static async Task<HttpContent> ReadExactlyAsync(Stream stream, int declared, CancellationToken cancellationToken)
    {
        if (declared == 0)
        {
            return new ByteArrayContent([]);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(declared);
        try
        {
            int length = await stream.ReadAtLeastAsync(buffer.AsMemory(0, declared), declared, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return length < declared
                ? throw new IOException($"The response ended after {length} of its {declared} declared bytes.")
                : new PooledBodyContent(buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>A body without a Content-Length (chunked, or decompressed): a buffer that doubles, failing past the limit.</summary>
    private static async Task<HttpContent> ReadToEndAsync(Stream stream, long maxBytes, int status, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(InitialChunkedBufferBytes, maxBytes + 1));
        try
        {
            int length = 0;
            while (true)
            {
                // A rented buffer may be longer than asked for; the limit, not the buffer, decides when to stop.
                int room = (int)Math.Min(buffer.Length, maxBytes + 1) - length;
                if (room == 0)
                {
                    // One byte past the limit is enough to know the body is too large.
                    if (length > maxBytes)
                    {
                        throw TooLarge(maxBytes, status);
                    }

                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                    continue;
                }

                int read = await stream.ReadAsync(buffer.AsMemory(length, room), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return length > maxBytes ? throw TooLarge(maxBytes, status) : new PooledBodyContent(buffer, length);
                }

                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>A body that could not be read: reading it throws why (timeouts and cancellation are never deferred).</summary>
    internal sealed class UnreadableContent(Exception failure) : HttpContent
    {
        /// <summary>Why the body could not be read.</summary>
        public Exception Failure => failure;

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromException<Stream>(failure);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => Task.FromException(failure);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
