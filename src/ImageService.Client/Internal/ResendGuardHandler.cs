using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace ImageService.Client.Internal;

/// <summary>
/// Innermost handler, next to the transport (through dependency injection it is added after every other handler of the
/// client, the application's and the host's included): a create or a patch (POST, PATCH) reaches the wire at most once
/// per facade call once the service may have acted on it. The SDK's own retry strategy never resends such a write (see
/// <see cref="ImageServiceResilience.ShouldRetry"/>), but a handler the host adds to every <c>HttpClient</c> (a plain
/// retrying <c>DelegatingHandler</c> through <c>ConfigureHttpClientDefaults</c>) cannot be recognised by its type and
/// would send the same call again. Such a resend gets the first send's outcome (the same status, headers and body, or
/// the same failure) without touching the wire, so the outer handler sees the answer it saw before and gives up as it
/// would have.
/// </summary>
/// <remarks>
/// Only sends within a facade call (<see cref="RequestContext.Current"/>) are guarded. A send the service did not act
/// on (429, 503, 401, a connection never made) is not recorded: the SDK's own retry and claims challenge resend it.
/// The body of an answer that is recorded is read here, within the attempt's token and at most
/// <c>MaxResponseBytes</c>, as <see cref="ResponseSizeLimitHandler"/> would read it a moment later.
/// </remarks>
internal sealed class ResendGuardHandler : DelegatingHandler
{
    private readonly long _maxResponseBytes;
    private readonly TimeSpan _attemptTimeout;
    private readonly ILogger _logger;

    public ResendGuardHandler(long maxResponseBytes, TimeSpan attemptTimeout, ILogger logger)
    {
        _maxResponseBytes = maxResponseBytes;
        _attemptTimeout = attemptTimeout;
        _logger = logger;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        ImageServiceResilience.IsUnsafe(request.Method) && RequestContext.Current is { } call // a GET passes on the method alone
            ? SendWriteAsync(call, request, cancellationToken)
            : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendWriteAsync(RequestContext.Call call, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (call.SentWrite is { } sent && sent.Matches(request))
        {
            Log.ResendRefused(_logger, request.Method.Method, UrlRedactor.Redact(request.RequestUri), call.Id);
            return sent.Replay(request, _attemptTimeout, cancellationToken);
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ImageServiceResilience.NeverSent(ex))
        {
            throw;
        }
        catch (Exception ex)
        {
            call.SentWrite = SentWrite.Failed(request, ex);
            throw;
        }

        if (ImageServiceResilience.ServiceDidNotAct(response.StatusCode))
        {
            return response;
        }

        try
        {
            await ResponseSizeLimitHandler.BufferAsync(response, _maxResponseBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            response.Dispose();
            call.SentWrite = SentWrite.Failed(request, ex);
            throw;
        }

        call.SentWrite = await SentWrite.AnsweredAsync(request, response).ConfigureAwait(false);
        return response;
    }
}

/// <summary>What a write's send ended in, once it reached the wire: an answer (kept whole) or a failure.</summary>
internal sealed class SentWrite
{
    private readonly HttpMethod _method;
    private readonly Uri? _uri;
    private readonly Exception? _failure;
    private readonly HttpStatusCode _status;
    private readonly string? _reasonPhrase;
    private readonly Version? _version;
    private readonly KeyValuePair<string, string[]>[] _headers = [];
    private readonly KeyValuePair<string, string[]>[] _contentHeaders = [];
    private readonly byte[] _body = [];
    private readonly Exception? _bodyFailure;

    private SentWrite(HttpRequestMessage request, Exception failure)
    {
        _method = request.Method;
        _uri = request.RequestUri;
        _failure = failure;
    }

    private SentWrite(HttpRequestMessage request, HttpResponseMessage response, byte[] body, Exception? bodyFailure)
    {
        _method = request.Method;
        _uri = request.RequestUri;
        _status = response.StatusCode;
        _reasonPhrase = response.ReasonPhrase;
        _version = response.Version;
        _headers = [.. response.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToArray()))];
        _contentHeaders = [.. response.Content.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToArray()))];
        _body = body;
        _bodyFailure = bodyFailure;
    }

    public static SentWrite Failed(HttpRequestMessage request, Exception failure) => new(request, failure);

    /// <summary>Keeps the answer; its body is already in memory (<see cref="ResponseSizeLimitHandler.BufferAsync"/>).</summary>
    public static async Task<SentWrite> AnsweredAsync(HttpRequestMessage request, HttpResponseMessage response)
    {
        if (response.Content is ResponseSizeLimitHandler.UnreadableContent unreadable)
        {
            return new SentWrite(request, response, [], unreadable.Failure); // a body that could not be read: so is its replay
        }

        // Copied, not read: the content's read stream is the one the generated client reads next.
        using var body = new MemoryStream();
        await response.Content.CopyToAsync(body, CancellationToken.None).ConfigureAwait(false);
        return new SentWrite(request, response, body.ToArray(), null);
    }

    public bool Matches(HttpRequestMessage request) => request.Method == _method && request.RequestUri == _uri;

    /// <summary>The first send's outcome again: a copy of its answer, or its failure.</summary>
    public HttpResponseMessage Replay(HttpRequestMessage request, TimeSpan attemptTimeout, CancellationToken cancellationToken)
    {
        if (_failure is OperationCanceledException)
        {
            // The first send timed out (or its caller cancelled): its outcome, as the resilience pipeline reported it.
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutRejectedException(
                $"An earlier send of this {_method.Method} in the same call got no answer in time; the client does not send it again, since the image service may have acted on it.",
                attemptTimeout);
        }

        if (_failure is not null)
        {
            ExceptionDispatchInfo.Throw(_failure);
        }

        var response = new HttpResponseMessage(_status)
        {
            ReasonPhrase = _reasonPhrase,
            Version = _version!,
            RequestMessage = request,
            Content = _bodyFailure is null ? new ByteArrayContent(_body) : new ResponseSizeLimitHandler.UnreadableContent(_bodyFailure),
        };
        foreach (KeyValuePair<string, string[]> header in _headers)
        {
            response.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (KeyValuePair<string, string[]> header in _contentHeaders)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                response.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return response;
    }
}
