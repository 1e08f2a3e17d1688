using System;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ImageService.Client.Internal;

/// <summary>
/// Per-call state. A facade call opens a scope with one <c>x-ms-client-request-id</c>; every HTTP request of that call
/// (and every retry of each request, since the id is stamped outside the retry handler) carries it.
/// </summary>
internal static class RequestContext
{
    public const string ClientRequestIdHeader = "x-ms-client-request-id";

    public static readonly HttpRequestOptionsKey<string> ClientRequestIdKey = new("ImageService.ClientRequestId");

    public static readonly HttpRequestOptionsKey<StrongBox<int>> AttemptKey = new("ImageService.Attempt");

    private static readonly AsyncLocal<string?> s_currentId = new();

    public static string? CurrentClientRequestId => s_currentId.Value;

    public static Scope Begin(string clientRequestId)
    {
        string? previous = s_currentId.Value;
        s_currentId.Value = clientRequestId;
        return new Scope(previous);
    }

    public static int IncrementAttempt(HttpRequestMessage request)
    {
        if (!request.Options.TryGetValue(AttemptKey, out StrongBox<int>? box))
        {
            box = new StrongBox<int>(0);
            request.Options.Set(AttemptKey, box);
        }

        return Interlocked.Increment(ref box.Value);
    }

    public static int GetAttempts(HttpRequestMessage request) =>
        request.Options.TryGetValue(AttemptKey, out StrongBox<int>? box) ? Volatile.Read(ref box.Value) : 0;

    public static string GetClientRequestId(HttpRequestMessage request) =>
        request.Options.TryGetValue(ClientRequestIdKey, out string? id) ? id : string.Empty;

    public readonly struct Scope : IDisposable
    {
        private readonly string? _previous;

        public Scope(string? previous) => _previous = previous;

        public void Dispose() => s_currentId.Value = _previous;
    }
}
