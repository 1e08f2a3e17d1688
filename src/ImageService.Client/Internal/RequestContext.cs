using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using ImageService.Client.Diagnostics;

namespace ImageService.Client.Internal;

/// <summary>
/// What a request carries about its call. The request id travels one way below the facade: in the request's own
/// <c>x-ms-client-request-id</c> header, stamped once per request outside the retry handler (so every retry reuses it)
/// and read back from there by the handlers that log it. The attempt count is kept by the retry strategy, where
/// attempts happen (<see cref="RecordRetry"/>).
/// </summary>
internal static class RequestContext
{
    public const string ClientRequestIdHeader = "x-ms-client-request-id";

    internal static readonly string UserAgent = BuildUserAgent();

    private static readonly HttpRequestOptionsKey<int> s_attemptsKey = new("ImageService.Attempts");

    // The facade call, from the facade into the requests it makes. An AsyncLocal because the generated client's
    // methods take no per-call value, and one facade call can make several requests (an operation's result fetch, its
    // build-log lookup) that must share the id; a request sent by other code gets a new id of its own. The handlers
    // below also leave what they learn of the call here (the write that reached the wire, the connection the answer came
    // on), because a handler that a host adds around the SDK's chain may send the same call again as a new request.
    private static readonly AsyncLocal<Call?> s_current = new();

    public static string? CurrentClientRequestId => s_current.Value?.Id;

    /// <summary>The facade call this code runs for; null outside one.</summary>
    public static Call? Current => s_current.Value;

    /// <summary>
    /// A new id in version-4 GUID form. The bytes come from <see cref="Random.Shared"/>, not the OS's secure generator
    /// that <see cref="Guid.NewGuid"/> asks on every call (a system call per request): an id must be unique, not
    /// secret, and 122 random bits from a per-thread generator seeded by the OS are unique enough, as they are for the
    /// W3C trace ids <c>System.Diagnostics.Activity</c> makes.
    /// </summary>
    public static string NewClientRequestId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4: the high nibble of the third group
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // the RFC 9562 variant
        return new Guid(bytes).ToString();
    }

    /// <param name="clientRequestId">The id every request of the call carries.</param>
    /// <param name="cancellationToken">The caller's token: tells a cancellation the caller asked for from a timeout.</param>
    public static Scope Begin(string clientRequestId, CancellationToken cancellationToken)
    {
        Call? previous = s_current.Value;
        s_current.Value = new Call(clientRequestId, cancellationToken);
        return new Scope(previous);
    }

    /// <summary>Stamps the request id (the facade call's, else a new one) and the SDK's <c>User-Agent</c>; returns the id.</summary>
    public static string Stamp(HttpRequestMessage request)
    {
        string id = s_current.Value?.Id ?? NewClientRequestId();
        HttpRequestHeaders headers = request.Headers;
        headers.Remove(ClientRequestIdHeader);
        headers.TryAddWithoutValidation(ClientRequestIdHeader, id);
        headers.Remove("User-Agent");
        headers.TryAddWithoutValidation("User-Agent", UserAgent);
        return id;
    }

    /// <summary>The id <see cref="Stamp"/> put on the request (empty if none).</summary>
    public static string GetClientRequestId(HttpRequestMessage request) =>
        request.Headers.NonValidated.TryGetValues(ClientRequestIdHeader, out HeaderStringValues values) ? values.ToString() : string.Empty;

    /// <summary>Called by the retry strategy before retry number <paramref name="retry"/> (0 for the first retry).</summary>
    public static void RecordRetry(HttpRequestMessage? request, int retry) => request?.Options.Set(s_attemptsKey, retry + 2);

    /// <summary>How many attempts the request has had: one, plus one per retry.</summary>
    public static int GetAttempts(HttpRequestMessage request) =>
        request.Options.TryGetValue(s_attemptsKey, out int attempts) ? attempts : 1;

    private static string BuildUserAgent()
    {
        string version = ImageServiceDiagnostics.Version;
        string comment = Sanitize($"{RuntimeInformation.FrameworkDescription}; {RuntimeInformation.OSDescription}");
        return $"ImageService.Client/{Sanitize(version)} ({comment})";
    }

    private static string Sanitize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            builder.Append(c is >= ' ' and <= '~' and not '(' and not ')' ? c : ' ');
        }

        return builder.ToString().Trim();
    }

    public readonly struct Scope : IDisposable
    {
        private readonly Call? _previous;

        public Scope(Call? previous) => _previous = previous;

        public void Dispose() => s_current.Value = _previous;
    }

    /// <summary>One facade call: its id, the caller's token, and what the handlers recorded of its requests.</summary>
    internal sealed class Call
    {
        public Call(string id, CancellationToken callerCancellation)
        {
            Id = id;
            CallerCancellation = callerCancellation;
        }

        public string Id { get; }

        public CancellationToken CallerCancellation { get; }

        /// <summary>The write of this call that reached the wire and may have been acted on (<see cref="ResendGuardHandler"/>).</summary>
        public SentWrite? SentWrite { get; set; }

        /// <summary>The HTTP/1.1 connection the call's last request was written to (<see cref="ConnectionTracking"/>).</summary>
        public ConnectionTracking.TrackedStream? Connection { get; set; }
    }
}
