using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using ImageService.Emulator.Api;
using ImageService.Emulator.Store;
using Microsoft.AspNetCore.Http;
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
        if (context.Request.Headers.TryGetValue("x-ms-client-request-id", out var requestId))
        {
            context.Response.Headers["x-ms-client-request-id"] = requestId;
        }

        context.Response.Headers["x-ms-request-id"] = context.TraceIdentifier;
        try
        {
            await next(context);
        }
        finally
        {
            int status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 0 : context.Response.StatusCode;
            bool authenticated = BearerAuthMiddleware.IsAuthenticated(context);
            log.Add(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, authenticated ? headers : s_noHeaders, status, arrived, authenticated));
            LogRequest(logger, context.Request.Method, context.Request.Path + context.Request.QueryString, status,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, requestId.ToString(), context.Request.Headers.Authorization.Count > 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} -> {Status} in {ElapsedMs:F1} ms (x-ms-client-request-id {RequestId}, authorization header present: {HasAuthorization})")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, double elapsedMs, string requestId, bool hasAuthorization);
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
/// first request of a given <c>x-ms-client-request-id</c>), or from the configured rates. See README.md for which kinds
/// act before the server does anything and which act after.
/// </summary>
internal sealed class FaultMiddleware(RequestDelegate next, EmulatorOptions options)
{
    public const string FaultHeader = "x-emulator-fault";
    public const string FaultOnceHeader = "x-emulator-fault-once";

    private readonly HashSet<string> _onceSeen = new(StringComparer.Ordinal);
    private readonly Random _random = new(options.Faults.Seed);
    private readonly KeyValuePair<string, double>[] _rates = [.. options.Faults.Rates.Where(r => r.Value > 0).OrderBy(r => r.Key, StringComparer.Ordinal)];

    public async Task InvokeAsync(HttpContext context)
    {
        string? fault = PickFault(context);
        if (fault is null)
        {
            await next(context);
            return;
        }

        context.Response.Headers["x-emulator-fault-applied"] = fault;
        string retryAfterMs = ((long)options.Faults.ThrottleRetryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        switch (fault.ToLowerInvariant())
        {
            case "429":
                context.Response.Headers.RetryAfter = "1";
                context.Response.Headers["x-ms-retry-after-ms"] = retryAfterMs;
                await Errors.WriteAsync(context, 429, "TooManyRequests", "Injected fault 429: the request was throttled and not processed.");
                return;
            case "503":
                context.Response.Headers.RetryAfter = "1";
                context.Response.Headers["x-ms-retry-after-ms"] = retryAfterMs;
                await Errors.WriteAsync(context, 503, "ServiceUnavailable", "Injected fault 503: the service is unavailable; the request was not processed.");
                return;
            case "500":
                await Errors.WriteAsync(context, 500, "InternalServerError", "Injected fault 500: the request was not processed.");
                return;
            case "drop":
                context.Abort();
                return;
            case "500-after":
                await ActThen(context, async (_, _) =>
                {
                    context.Response.Clear();
                    await Errors.WriteAsync(context, 500, "InternalServerError", "Injected fault 500-after: the request WAS processed, then the answer was replaced by a 500.");
                });
                return;
            case "drop-after":
                await ActThen(context, (_, _) =>
                {
                    context.Abort();
                    return Task.CompletedTask;
                });
                return;
            case "truncate":
                await ActThen(context, async (body, original) =>
                {
                    byte[] bytes = body.Length > 0 ? body : "{\"truncated\":true}"u8.ToArray();
                    context.Response.ContentLength = bytes.Length + 16;
                    await original.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), context.RequestAborted);
                    await original.FlushAsync(context.RequestAborted);
                    // Returning with fewer bytes than Content-Length makes Kestrel end the connection after what was sent.
                });
                return;
            case "malformed":
                await ActThen(context, async (_, original) =>
                {
                    byte[] bytes = "{\"value\": [{\"id\": \"malformed\", \"name\": <not json>"u8.ToArray();
                    context.Response.StatusCode = 200;
                    context.Response.ContentType = "application/json; charset=utf-8";
                    context.Response.ContentLength = bytes.Length;
                    await original.WriteAsync(bytes, context.RequestAborted);
                });
                return;
            default:
                if (fault.StartsWith("latency:", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(fault.AsSpan(8), NumberStyles.Integer, CultureInfo.InvariantCulture, out int ms) && ms >= 0)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(ms), options.TimeProvider, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        return; // the client gave up: do not act
                    }

                    await next(context);
                    return;
                }

                await Errors.WriteAsync(context, 400, "UnknownFault",
                    $"Unknown fault kind '{fault}'. Known: 429, 503, 500, 500-after, drop, drop-after, latency:<ms>, truncate, malformed.");
                return;
        }
    }

    private string? PickFault(HttpContext context)
    {
        string? fault = context.Request.Headers[FaultHeader].FirstOrDefault();
        if (!string.IsNullOrWhiteSpace(fault))
        {
            return fault.Trim();
        }

        string? once = context.Request.Headers[FaultOnceHeader].FirstOrDefault();
        if (!string.IsNullOrWhiteSpace(once))
        {
            string key = context.Request.Headers["x-ms-client-request-id"].FirstOrDefault()
                ?? $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}";
            lock (_onceSeen)
            {
                if (_onceSeen.Add($"{key}|{once}"))
                {
                    return once.Trim();
                }
            }
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
                    return kind;
                }
            }
        }

        return null;
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
