using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;

namespace ImageService.Client.Internal;

/// <summary>
/// The one reader of response bodies: every generated call's (through <see cref="FacadeRestClient"/>) and every
/// <c>nextLink</c> page's. The body is already in memory (<see cref="ResponseSizeLimitHandler"/> read it inside the
/// resilience pipeline), so deserializing it synchronously waits on nothing. Whatever stops a body from becoming the
/// expected type (malformed JSON, the wrong shape, a value out of range such as a date past year 9999) is the body's
/// fault and becomes an <see cref="ApiException"/> with the cause, which the facade turns into an
/// <see cref="ImageServiceException"/>; a body that never arrived whole rethrows why (an <see cref="IOException"/>, or
/// an <see cref="ImageServiceException"/> for a body that does not match its Content-Encoding).
/// </summary>
internal static class ResponseReader
{
    // Safe to share: a JsonSerializer is only read from while deserializing.
    private static readonly JsonSerializer s_serializer = ImageServiceJson.CreateSerializer();

    // StreamReader's smallest buffer is 128 bytes; 256 keeps the read calls few for a page of megabytes.
    private const int StreamReaderBufferBytes = 256;

    /// <summary>Reads the body as <typeparamref name="T"/>; null for a JSON <c>null</c> or an empty body.</summary>
    public static async Task<T?> ReadAsync<T>(HttpResponseMessage response, IReadOnlyDictionary<string, IEnumerable<string>> headers, CancellationToken cancellationToken)
    {
        using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);

        // The body is in memory: a small StreamReader buffer costs nothing in reads (StreamReader decodes straight into
        // the JSON reader's buffer when that asks for more than its own holds), and the JSON reader's buffer comes from
        // the shared pool. What that saves per call is in the benchmarks' RESULTS.md ("CPU cuts").
        using var reader = new JsonTextReader(new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, StreamReaderBufferBytes))
        {
            ArrayPool = SharedCharPool.Instance,
        };
        try
        {
            return s_serializer.Deserialize<T>(reader);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or IOException or ImageServiceException))
        {
            string cause = ex is JsonException ? ex.Message : $"{ex.Message} Path '{reader.Path}'.";
            throw new ApiException(NotJson(response, stream) ?? $"the response body could not be read as JSON of the expected shape: {cause}", (int)response.StatusCode, null, headers, ex);
        }
    }

    /// <summary>
    /// What a body that does not even start like JSON was (its content type and first characters, control characters
    /// removed), and what that suggests: the endpoint answering is no image service (a web page, a proxy's error page).
    /// Null for a body that starts like JSON (it failed for its shape or syntax), and for one that cannot be read again.
    /// </summary>
    private static string? NotJson(HttpResponseMessage response, Stream body)
    {
        const int SampleBytes = 64;
        if (!body.CanSeek)
        {
            return null;
        }

        body.Position = 0;
        byte[] sample = new byte[SampleBytes];
        int read = body.ReadAtLeast(sample, SampleBytes, throwOnEndOfStream: false);
        string text = Encoding.UTF8.GetString(sample, 0, read);
        string start = text.TrimStart().TrimStart('\uFEFF').TrimStart(); // a byte order mark is no character of the body
        if (start.Length > 0 && (start[0] is '{' or '[' or '"' or '-' or 't' or 'f' or 'n' || char.IsAsciiDigit(start[0])))
        {
            return null;
        }

        var shown = new StringBuilder(text.Length);
        foreach (char c in start)
        {
            char printable = char.IsControl(c) || char.IsWhiteSpace(c) ? ' ' : c;
            if (printable != ' ' || (shown.Length > 0 && shown[^1] != ' '))
            {
                shown.Append(printable);
            }
        }

        string ellipsis = read == SampleBytes ? "…" : string.Empty;
        return $"the response body could not be read: it is not JSON (Content-Type '{response.Content.Headers.ContentType?.ToString() ?? "none"}', body starting '{shown.ToString().TrimEnd()}{ellipsis}'): the endpoint may not be an image service; check ImageServiceClientOptions.Endpoint.";
    }

    /// <summary>
    /// The result of a GET whose only success is 200 with a <typeparamref name="T"/> body (a <c>nextLink</c> page), or
    /// the failure the generated client would have thrown for the same response.
    /// </summary>
    public static async Task<T> ReadResultAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class
    {
        var headers = new ResponseHeaders(response);
        int status = (int)response.StatusCode;
        if (status == 200)
        {
            return await ReadAsync<T>(response, headers, cancellationToken).ConfigureAwait(false)
                ?? throw new ApiException("Response was null which was not expected.", status, null, headers, null);
        }

        ModelErrorResponse error = await ReadAsync<ModelErrorResponse>(response, headers, cancellationToken).ConfigureAwait(false)
            ?? throw new ApiException("Response was null which was not expected.", status, null, headers, null);
        throw new ApiException<ModelErrorResponse>("Error response describing why the operation failed.", status, null, headers, error, null);
    }
}

/// <summary>Newtonsoft's hook for pooled reader buffers (<see cref="JsonTextReader.ArrayPool"/>), over <see cref="ArrayPool{T}.Shared"/>.</summary>
internal sealed class SharedCharPool : IArrayPool<char>
{
    public static readonly SharedCharPool Instance = new();

    private SharedCharPool()
    {
    }

    public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

    public void Return(char[]? array)
    {
        if (array is not null)
        {
            ArrayPool<char>.Shared.Return(array);
        }
    }
}
