using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;

namespace ImageService.Client.Tests.TestSupport;

/// <summary>One request as the transport saw it.</summary>
public sealed record TransportRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body, DateTimeOffset Time)
{
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}

/// <summary>The transport: a lambda decides each response; every request is recorded (with the fake time it arrived).</summary>
public sealed class TestHandlerStub : DelegatingHandler
{
    private readonly Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> _respond;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<TransportRequest> _requests = new();
    private int _count;

    public TestHandlerStub(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> respond, TimeProvider? time = null)
    {
        _respond = respond;
        _time = time ?? TimeProvider.System;
    }

    public TestHandlerStub(Func<HttpRequestMessage, int, HttpResponseMessage> respond, TimeProvider? time = null)
        : this((request, index, _) => Task.FromResult(respond(request, index)), time)
    {
    }

    public IReadOnlyList<TransportRequest> Requests => _requests.ToArray();

    public int Count => Volatile.Read(ref _count);

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach ((string name, string value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    public static HttpResponseMessage Status(HttpStatusCode status, params (string Name, string Value)[] headers) =>
        Json(status, "{}", headers);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int index = Interlocked.Increment(ref _count) - 1;
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        if (request.Headers.UserAgent.Count > 0)
        {
            headers["User-Agent"] = request.Headers.UserAgent.ToString(); // as sent on the wire: products joined by spaces
        }

        string? body = null;
        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers)
            {
                headers[header.Key] = string.Join(",", header.Value);
            }

            body = await request.Content.ReadAsStringAsync(cancellationToken);
        }

        _requests.Enqueue(new TransportRequest(request.Method, request.RequestUri!, headers, body, _time.GetUtcNow()));
        HttpResponseMessage response = await _respond(request, index, cancellationToken);
        response.RequestMessage ??= request;
        return response;
    }
}

/// <summary>
/// Moves fake time forward in small steps until a task completes. Every delay under test runs on fake time; between
/// steps the driver only gives the code under test a moment (at most 1 ms of real time) to settle, so that it reacts to
/// one step before the next one.
/// </summary>
public static class FakeTimeDriver
{
    public static async Task<T> DriveAsync<T>(this FakeTimeProvider time, Task<T> task, TimeSpan? step = null, int maxSteps = 20_000)
    {
        await DriveAsync(time, (Task)task, step, maxSteps);
        return await task;
    }

    public static async Task DriveAsync(this FakeTimeProvider time, Task task, TimeSpan? step = null, int maxSteps = 20_000)
    {
        TimeSpan increment = step ?? TimeSpan.FromMilliseconds(10);
        for (int i = 0; !task.IsCompleted; i++)
        {
            if (i > maxSteps)
            {
                throw new TimeoutException("The task did not complete within the fake-time budget.");
            }

            await Task.WhenAny(task, Task.Delay(1));
            if (!task.IsCompleted)
            {
                time.Advance(increment);
            }
        }

        await task.ConfigureAwait(false);
    }
}
