using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Emulator.Api;
using ImageService.Emulator.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace ImageService.Emulator.Http;

/// <summary>
/// Records every request for the inspection API (in a bounded window, <see cref="RequestLog"/>) and logs it, never with
/// the Authorization value. A request that fails authentication is kept without its headers: whoever sends it, its
/// headers are not the emulator's to hold.
/// </summary>
internal sealed partial class RequestLogMiddleware(RequestDelegate next, EmulatorStore store, RequestLog log, ILogger<RequestLogMiddleware> logger)
{
    private static readonly IReadOnlyDictionary<string, string> s_noHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext context)
    {
        var arrived = store.Now;
        var started = Stopwatch.GetTimestamp();
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        // Echoed only when it can be: Kestrel refuses to write a non-ASCII header value (a 500 with an empty body), and
        // MalformedRequestMiddleware answers such a request 400.
        string? requestId = RequestHeaderValues.ClientRequestId(context);
        if (requestId is not null)
        {
            context.Response.Headers[RequestHeaderValues.ClientRequestIdHeader] = requestId;
        }

        context.Response.Headers["x-ms-request-id"] = context.TraceIdentifier;
        // Recorded before the first byte of the answer leaves: a test that reads Requests right after its call returned
        // must find that call there. Recording after next() raced the client, which can read a complete answer first.
        int recorded = 0;
        void Record(int status)
        {
            if (Interlocked.Exchange(ref recorded, 1) == 0)
            {
                bool authenticated = BearerAuthMiddleware.IsAuthenticated(context);
                log.Add(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, authenticated ? headers : s_noHeaders, status, arrived, authenticated));
            }
        }

        context.Response.OnStarting(() =>
        {
            Record(context.Response.StatusCode);
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            int status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 0 : context.Response.StatusCode;
            Record(status);
            LogRequest(logger, context.Request.Method, context.Request.Path + context.Request.QueryString, status,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, requestId ?? "(none)", context.Request.Headers.Authorization.Count > 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} -> {Status} in {ElapsedMs:F1} ms (x-ms-client-request-id {RequestId}, authorization header present: {HasAuthorization})")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, double elapsedMs, string requestId, bool hasAuthorization);
}

/// <summary>
/// Refuses, before authentication and in the service's error shape, a request the service would not parse: a path with a
/// dot segment (<c>.</c> or <c>..</c>, also percent-encoded; Kestrel would resolve it, so that <c>images/.</c> became the
/// list), or a header the emulator reads whose value is not printable ASCII.
/// </summary>
internal sealed class MalformedRequestMiddleware(RequestDelegate next)
{
    private static readonly string[] s_checkedHeaders = [RequestHeaderValues.ClientRequestIdHeader, FaultMiddleware.FaultHeader, FaultMiddleware.FaultOnceHeader];

    public async Task InvokeAsync(HttpContext context)
    {
        string rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        if (HasDotSegment(rawTarget))
        {
            await Errors.WriteAsync(context, 400, "InvalidPath",
                "The request path has a dot segment ('.' or '..', perhaps percent-encoded): the service does not resolve them. An image id is name:version; send the path as the API describes it.");
            return;
        }

        foreach (string header in s_checkedHeaders)
        {
            if (context.Request.Headers.TryGetValue(header, out var values) && !values.All(v => v is null || RequestHeaderValues.IsPrintableAscii(v)))
            {
                await Errors.WriteAsync(context, 400, "InvalidHeader",
                    $"The value of the {header} header is not printable ASCII (characters 0x20 to 0x7E); send an ASCII value, for example a GUID.");
                return;
            }
        }

        await next(context);
    }

    private static bool HasDotSegment(string rawTarget)
    {
        int query = rawTarget.IndexOfAny(['?', '#']);
        string path = query < 0 ? rawTarget : rawTarget[..query];
        if (path.Contains("://", StringComparison.Ordinal))
        {
            // absolute-form (a request to a proxy): the path starts after the authority
            int slash = path.IndexOf('/', path.IndexOf("://", StringComparison.Ordinal) + 3);
            path = slash < 0 ? "" : path[slash..];
        }

        foreach (string segment in path.Split('/'))
        {
            string decoded = segment.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase);
            if (decoded is "." or "..")
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The request headers the emulator reads and echoes.</summary>
internal static class RequestHeaderValues
{
    public const string ClientRequestIdHeader = "x-ms-client-request-id";

    /// <summary>The client's request id when it is one that can be echoed (printable ASCII), else null.</summary>
    public static string? ClientRequestId(HttpContext context) =>
        context.Request.Headers[ClientRequestIdHeader].FirstOrDefault() is { Length: > 0 } id && IsPrintableAscii(id) ? id : null;

    public static bool IsPrintableAscii(string value) => value.All(c => c is >= ' ' and <= '~');
}

/// <summary>Requires <c>Authorization: Bearer &lt;token&gt;</c> with the configured token on every route.</summary>
internal sealed class BearerAuthMiddleware(RequestDelegate next, EmulatorOptions options)
{
    private static readonly object s_authenticatedKey = new();
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(options.Token);

    public static bool IsAuthenticated(HttpContext context) => context.Items.ContainsKey(s_authenticatedKey);

    public async Task InvokeAsync(HttpContext context)
    {
        string header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Errors.WriteAsync(context, 401, "Unauthorized", "The request needs an 'Authorization: Bearer <token>' header.");
            return;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()), _expected))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await Errors.WriteAsync(context, 401, "Unauthorized", "The bearer token is not the one this emulator accepts.");
            return;
        }

        context.Items[s_authenticatedKey] = true;
        await next(context);
    }
}

/// <summary>
/// Fault injection. A fault comes from the header <c>x-emulator-fault</c>, from <c>x-emulator-fault-once</c> (only the
/// first request of a given <c>x-ms-client-request-id</c>), from <see cref="ImageServiceEmulator.InjectFault"/>, or from
/// the configured rates, in that order. See README.md for which kinds act before the server does anything and which
/// act after. Only a known kind is echoed (in <c>x-emulator-fault-applied</c>, spelled as <see cref="EmulatorFault.Kind"/>).
/// </summary>
internal sealed class FaultMiddleware(RequestDelegate next, EmulatorOptions options, FaultSchedule schedule)
{
    public const string FaultHeader = "x-emulator-fault";
    public const string FaultOnceHeader = "x-emulator-fault-once";

    private readonly HashSet<string> _onceSeen = new(StringComparer.Ordinal);
    private readonly Random _random = new(options.Faults.Seed);
    private readonly KeyValuePair<EmulatorFault, double>[] _rates = [.. options.Faults.ParsedRates()];

    public async Task InvokeAsync(HttpContext context)
    {
        var (fault, unknown) = PickFault(context);
        if (unknown is not null)
        {
            await Errors.WriteAsync(context, 400, "UnknownFault", $"Unknown fault kind '{unknown}'. Known: {EmulatorFault.KnownKinds}.");
            return;
        }

        if (fault is null)
        {
            await next(context);
            return;
        }

        context.Response.Headers["x-emulator-fault-applied"] = fault.Kind;
        string retryAfterMs = ((long)options.Faults.ThrottleRetryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        if (fault == EmulatorFault.TooManyRequests || fault == EmulatorFault.ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
            context.Response.Headers["x-ms-retry-after-ms"] = retryAfterMs;
            await (fault == EmulatorFault.TooManyRequests
                ? Errors.WriteAsync(context, 429, "TooManyRequests", "Injected fault 429: the request was throttled and not processed.")
                : Errors.WriteAsync(context, 503, "ServiceUnavailable", "Injected fault 503: the service is unavailable; the request was not processed."));
        }
        else if (fault == EmulatorFault.InternalServerError)
        {
            await Errors.WriteAsync(context, 500, "InternalServerError", "Injected fault 500: the request was not processed.");
        }
        else if (fault == EmulatorFault.DropConnection)
        {
            context.Abort();
        }
        else if (fault == EmulatorFault.InternalServerErrorAfterProcessing)
        {
            await ActThen(context, async (_, _) =>
            {
                context.Response.Clear();
                await Errors.WriteAsync(context, 500, "InternalServerError", "Injected fault 500-after: the request WAS processed, then the answer was replaced by a 500.");
            });
        }
        else if (fault == EmulatorFault.DropConnectionAfterProcessing)
        {
            await ActThen(context, (_, _) =>
            {
                context.Abort();
                return Task.CompletedTask;
            });
        }
        else if (fault == EmulatorFault.TruncatedResponse)
        {
            await ActThen(context, async (body, original) =>
            {
                byte[] bytes = body.Length > 0 ? body : "{\"truncated\":true}"u8.ToArray();
                context.Response.ContentLength = bytes.Length + 16;
                await original.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), context.RequestAborted);
                await original.FlushAsync(context.RequestAborted);
                // Returning with fewer bytes than Content-Length makes Kestrel end the connection after what was sent.
            });
        }
        else if (fault == EmulatorFault.MalformedResponse)
        {
            await ActThen(context, async (_, original) =>
            {
                byte[] bytes = "{\"value\": [{\"id\": \"malformed\", \"name\": <not json>"u8.ToArray();
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json; charset=utf-8";
                context.Response.ContentLength = bytes.Length;
                await original.WriteAsync(bytes, context.RequestAborted);
            });
        }
        else
        {
            try
            {
                await Task.Delay(fault.Delay, options.TimeProvider, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up: do not act
            }

            await next(context);
        }
    }

    /// <summary>The fault for this request, or the header value that names no fault.</summary>
    private (EmulatorFault? Fault, string? Unknown) PickFault(HttpContext context)
    {
        string? header = context.Request.Headers[FaultHeader].FirstOrDefault();
        if (!string.IsNullOrWhiteSpace(header))
        {
            return EmulatorFault.TryParse(header, out var fault) ? (fault, null) : (null, header.Trim());
        }

        string? once = context.Request.Headers[FaultOnceHeader].FirstOrDefault();
        if (!string.IsNullOrWhiteSpace(once))
        {
            if (!EmulatorFault.TryParse(once, out var fault))
            {
                return (null, once.Trim());
            }

            string key = RequestHeaderValues.ClientRequestId(context)
                ?? $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}";
            lock (_onceSeen)
            {
                if (_onceSeen.Add($"{key}|{fault!.Kind}"))
                {
                    return (fault, null);
                }
            }
        }

        if (schedule.Take(context.Request) is { } injected)
        {
            return (injected, null);
        }

        if (_rates.Length > 0)
        {
            double draw;
            lock (_random)
            {
                draw = _random.NextDouble();
            }

            double cumulative = 0;
            foreach (var (kind, rate) in _rates)
            {
                cumulative += rate;
                if (draw < cumulative)
                {
                    return (kind, null);
                }
            }
        }

        return (null, null);
    }

    /// <summary>Lets the request act with its body buffered, then hands the buffered answer to <paramref name="after"/>.</summary>
    private async Task ActThen(HttpContext context, Func<byte[], Stream, Task> after)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        await after(buffer.ToArray(), original);
    }
}
