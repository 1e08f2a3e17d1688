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

    /// <summary>
    /// A new id in version-4 GUID form. The bytes come from <see cref="Random.Shared"/>, not the OS's secure generator
    /// that <see cref="Guid.NewGuid"/> asks on every call (a system call, about 0.5 µs per request here): an id must be
    /// unique, not secret, and 122 random bits from a per-thread generator seeded by the OS are unique enough, as they
    /// are for the W3C trace ids <c>System.Diagnostics.Activity</c> makes.
    /// </summary>
    public static string NewClientRequestId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4: the high nibble of the third group
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // the RFC 9562 variant
        return new Guid(bytes).ToString();
    }

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
