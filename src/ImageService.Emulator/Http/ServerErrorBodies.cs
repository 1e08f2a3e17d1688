using System;
using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Emulator.Api;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ImageService.Emulator.Http;

/// <summary>
/// Gives Kestrel's own rejections a body in the service's error shape. A request Kestrel cannot parse (a garbled request
/// line, a header without a colon, a target over 8 KB: 414, headers over 32 KB or more than 100 of them: 431, an HTTP
/// version it does not speak: 505) is answered by Kestrel before any middleware runs, with an empty body, and Kestrel
/// offers no hook to change that. This connection middleware sees the bytes Kestrel writes: an HTTP/1.x response head
/// with a 4xx or 5xx status, <c>Content-Length: 0</c> and no <c>x-ms-request-id</c> (which every answer of the emulator's
/// own pipeline carries) is Kestrel's, and gets a <c>ModelErrorResponse</c> body. On an https endpoint it sees encrypted
/// bytes and changes nothing.
/// </summary>
internal static class ServerErrorBodies
{
    public static void UseServerErrorBodies(this ListenOptions listen) => listen.Use(next => async connection =>
    {
        var transport = connection.Transport;
        await using var output = new RewritingWriter(transport.Output);
        connection.Transport = new Pipe(transport.Input, output);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    });

    /// <summary>The block with a body added when it is one of Kestrel's bodiless error answers, else null.</summary>
    internal static byte[]? Rewrite(ReadOnlySpan<byte> block)
    {
        if (block.Length < 16 || !(block.StartsWith("HTTP/1.1 "u8) || block.StartsWith("HTTP/1.0 "u8))
            || !int.TryParse(block.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int status) || status is < 400 or > 599)
        {
            return null;
        }

        int headEnd = block.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0 || headEnd + 4 != block.Length)
        {
            return null; // a body follows: not Kestrel's empty answer
        }

        string head = Encoding.ASCII.GetString(block[..headEnd]);
        string[] lines = head.Split("\r\n");
        bool emptyBody = false;
        var rewritten = new StringBuilder(lines[0]).Append("\r\n");
        foreach (string line in lines[1..])
        {
            if (line.StartsWith("x-ms-request-id:", StringComparison.OrdinalIgnoreCase))
            {
                return null; // the emulator's own answer
            }

            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                emptyBody = line["Content-Length:".Length..].Trim() == "0";
                continue;
            }

            if (!line.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))
            {
                rewritten.Append(line).Append("\r\n");
            }
        }

        if (!emptyBody)
        {
            return null;
        }

        var (code, message) = Describe(status);
        byte[] body = Encoding.UTF8.GetBytes(Errors.Json(status, code, message, null, null, null));
        rewritten.Append("Content-Type: application/json; charset=utf-8\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(rewritten.ToString()), .. body];
    }

    private static (string Code, string Message) Describe(int status) => status switch
    {
        400 => ("BadRequest", "The request could not be parsed as HTTP/1.1 (RFC 9112): its request line or a header is malformed."),
        408 => ("RequestTimeout", "The request headers did not arrive in time."),
        411 => ("LengthRequired", "The request has a body without Content-Length or chunked Transfer-Encoding."),
        413 => ("PayloadTooLarge", "The request body is larger than the service accepts."),
        414 => ("UriTooLong", "The request line is longer than the 8,192 bytes the service accepts: shorten the URL (fewer or shorter query parameters)."),
        431 => ("RequestHeaderFieldsTooLarge", "The request headers are larger than the service accepts: 32 KB in all and 100 headers at most."),
        505 => ("HttpVersionNotSupported", "The HTTP version is not supported: send HTTP/1.1."),
        _ => ("Error", $"The request failed with status {status} before the service read it."),
    };

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Holds what Kestrel writes until it flushes (Kestrel writes a whole response head before it flushes), then passes
    /// it on, rewritten when it is a bodiless error answer.
    /// </summary>
    private sealed class RewritingWriter(PipeWriter inner) : PipeWriter, IAsyncDisposable
    {
        // A flush block is usually one response; a buffer grown past this by a large one is not kept for the next.
        private const int RetainedCapacity = 64 * 1024;

        private ArrayBufferWriter<byte> _pending = new(4096);

        public override bool CanGetUnflushedBytes => true;

        public override long UnflushedBytes => _pending.WrittenCount;

        public override void Advance(int bytes) => _pending.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => _pending.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _pending.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            PassOn();
            inner.Complete(exception);
        }

        public override async ValueTask CompleteAsync(Exception? exception = null)
        {
            PassOn();
            await inner.CompleteAsync(exception);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            PassOn();
            return inner.FlushAsync(cancellationToken);
        }

        public ValueTask DisposeAsync()
        {
            _pending = new ArrayBufferWriter<byte>(1);
            return ValueTask.CompletedTask;
        }

        private void PassOn()
        {
            if (_pending.WrittenCount == 0)
            {
                return;
            }

            var block = _pending.WrittenSpan;
            if (Rewrite(block) is { } rewritten)
            {
                inner.Write(rewritten);
            }
            else
            {
                inner.Write(block);
            }

            if (_pending.Capacity > RetainedCapacity)
            {
                _pending = new ArrayBufferWriter<byte>(4096);
            }
            else
            {
                _pending.ResetWrittenCount();
            }
        }
    }
}
