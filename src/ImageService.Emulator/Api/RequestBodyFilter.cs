using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Net.Http.Headers;

namespace ImageService.Emulator.Api;

/// <summary>
/// A check of a request body that is valid JSON, before it is bound: a 400 (or another error) for the operation, or null
/// to let it through. Register one with <c>services.AddSingleton&lt;IRequestBodyRule, MyRule&gt;()</c> in
/// <see cref="ImageServiceEmulator.StartAsync"/>; <see cref="RequestBodyFilter"/> runs every registered rule in order.
/// </summary>
internal interface IRequestBodyRule
{
    /// <summary>The error for this body, or null.</summary>
    /// <param name="operationId">The spec's operationId (the generated action's name, <c>Images_Create</c>, ...).</param>
    /// <param name="body">The body, parsed.</param>
    ActionResult? Check(string operationId, JsonElement body);
}

/// <summary>
/// Every request body, before MVC binds it, read as the service's parser reads it: the media type the spec declares for
/// the operation (else 415, before the body is read), UTF-8 without a byte order mark, and RFC 8259 JSON (no comments,
/// no trailing commas, no single quotes or bare names, nothing after the value) at most <see cref="MaxDepth"/> levels
/// deep; anything else is a 400 <c>InvalidJson</c> naming the body. Then each <see cref="IRequestBodyRule"/>. Json.NET,
/// which binds the body afterwards, is lenient about all of these; the service is not.
/// </summary>
internal sealed class RequestBodyFilter(IEnumerable<IRequestBodyRule> rules) : IAsyncResourceFilter
{
    /// <summary>The deepest nesting of arrays and objects the service reads (ASP.NET Core's default, which MVC also binds with).</summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// The request media types of each operation with a body, by operationId (the generated action's name), as
    /// openapi/images.yaml declares them; <c>Register</c> is the emulator's own models route. A test keeps this equal to
    /// the spec.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Accepted = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["Images_Create"] = ["application/json"],
        ["Images_Patch"] = ["application/json-patch+json", "application/json"],
        ["Profiles_Create"] = ["application/json"],
        [nameof(ModelsController.Register)] = ["application/json"],
    };

    private static readonly JsonDocumentOptions s_strict = new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private readonly IRequestBodyRule[] _rules = [.. rules];

    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        if (context.ActionDescriptor is not ControllerActionDescriptor action || !Accepted.TryGetValue(action.ActionName, out var accepted))
        {
            await next();
            return;
        }

        var request = context.HttpContext.Request;
        if (request.ContentLength is 0 || (request.ContentLength is null && request.ContentType is null && !request.Headers.TransferEncoding.Any()))
        {
            await next(); // no body: binding answers 400 "A non-empty request body is required."
            return;
        }

        if (UnsupportedMediaType(request, action.ActionName, accepted) is { } refused)
        {
            context.Result = refused;
            return;
        }

        // Buffered, so that MVC's formatter reads the same bytes again after the checks.
        request.EnableBuffering();
        byte[] body = await ReadAsync(request);
        if (body.Length > 0)
        {
            if (Problem(body, out var document) is { } problem)
            {
                context.Result = Errors.BadArgument("body", $"The request body is not valid JSON: {problem}", "InvalidJson");
                return;
            }

            using (document)
            {
                foreach (var rule in _rules)
                {
                    if (rule.Check(action.ActionName, document!.RootElement) is { } result)
                    {
                        context.Result = result;
                        return;
                    }
                }
            }
        }

        await next();
    }

    /// <summary>What is wrong with the body as the service's parser sees it, or null (and the parsed document).</summary>
    internal static string? Problem(byte[] body, out JsonDocument? document)
    {
        document = null;
        if (body.AsSpan().StartsWith(Encoding.UTF8.Preamble))
        {
            return "it starts with a UTF-8 byte order mark; send UTF-8 JSON without one (RFC 8259, section 8.1).";
        }

        if (body.AsSpan().StartsWith(Encoding.Unicode.Preamble) || body.AsSpan().StartsWith(Encoding.BigEndianUnicode.Preamble))
        {
            return "it starts with a UTF-16 byte order mark; the service reads UTF-8 JSON only (RFC 8259, section 8.1).";
        }

        if (!Utf8.IsValid(body))
        {
            return $"it is not UTF-8 (an invalid byte sequence at byte {FirstInvalidUtf8(body)}); the service reads UTF-8 JSON only (RFC 8259, section 8.1).";
        }

        try
        {
            document = JsonDocument.Parse(body, s_strict);
            return null;
        }
        catch (JsonException ex)
        {
            // System.Text.Json's messages name the problem and where it is, as the service's parser does:
            // "'/' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 18."
            return ex.Message;
        }
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> body)
    {
        int offset = 0;
        while (offset < body.Length && Rune.DecodeFromUtf8(body[offset..], out _, out int consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }

    private static ActionResult? UnsupportedMediaType(HttpRequest request, string operationId, IReadOnlyList<string> accepted)
    {
        MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed);
        string? mediaType = parsed?.MediaType.Value;
        if (mediaType is null || !accepted.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            return Errors.Result(415, "UnsupportedMediaType",
                $"Content-Type '{request.ContentType}' is not supported by {operationId}; send {string.Join(" or ", accepted)}.",
                "Content-Type", "UnsupportedMediaType");
        }

        if (parsed!.Charset.HasValue && !parsed.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return Errors.Result(415, "UnsupportedMediaType",
                $"Content-Type '{request.ContentType}' is not supported: the service reads UTF-8 JSON only; send charset=utf-8 or no charset.",
                "Content-Type", "UnsupportedCharset");
        }

        return null;
    }

    private static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        // Kestrel enforces the body size limit while this reads (413, answered by the exception handler).
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        return buffer.ToArray();
    }
}
