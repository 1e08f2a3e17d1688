using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Client.IntegrationTests.TestSupport;

/// <summary>One exchange as the transport saw it: the request as sent, the response body as received.</summary>
internal sealed record RecordedExchange(
    HttpMethod Method,
    Uri Uri,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    string? RequestBody,
    int Status,
    IReadOnlyDictionary<string, string> ResponseHeaders,
    string ResponseBody);

/// <summary>
/// Innermost handler (next to the transport): buffers each response body and records it with its request, so a
/// test can compare what the SDK returned with exactly what the server sent. <see cref="Rewrite"/> may change the
/// body before the SDK reads it.
/// </summary>
internal sealed class RecordingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<RecordedExchange> _exchanges;

    public RecordingHandler()
        : this(new ConcurrentQueue<RecordedExchange>())
    {
    }

    private RecordingHandler(ConcurrentQueue<RecordedExchange> exchanges) => _exchanges = exchanges;

    public Func<string, string>? Rewrite { get; init; }

    /// <summary>A fresh handler per client (IHttpClientFactory refuses reused handlers) that records into this one.</summary>
    public Func<DelegatingHandler> Factory => () => new RecordingHandler(_exchanges) { Rewrite = Rewrite };

    public IReadOnlyList<RecordedExchange> Exchanges => [.. _exchanges];

    public RecordedExchange? Last => _exchanges.LastOrDefault();

    public void Clear() => _exchanges.Clear();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? requestBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (Rewrite is not null && body.Length > 0 && (int)response.StatusCode < 300)
        {
            body = Rewrite(body);
        }

        var replacement = new StringContent(body);
        replacement.Headers.Clear();
        foreach (var header in response.Content.Headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content.Dispose();
        response.Content = replacement;
        _exchanges.Enqueue(new RecordedExchange(
            request.Method,
            request.RequestUri!,
            request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase),
            request.Content?.Headers.ContentType?.MediaType,
            requestBody,
            (int)response.StatusCode,
            response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase),
            body));
        return response;
    }
}
