// CUSTOM: a response's headers for the hand-written readers (Internal/ResponseReader.cs for nextLink pages, the retry
// strategy's Retry-After reader), in the shape the generated client passes to ApiException: most responses are never
// asked for their headers, so the dictionary is built on first read rather than for every response. What a GET costs
// is measured by tests/ImageService.Benchmarks (RESULTS.md), not stated here.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Net.Http;
using System.Threading;

namespace ImageService.Client;

/// <summary>
/// The response and content headers of one response, copied into a case-insensitive dictionary the first time they
/// are read. Reading works after the response is disposed: disposing a response disposes its body, not its headers.
/// </summary>
internal sealed class ResponseHeaders : IReadOnlyDictionary<string, IEnumerable<string>>
{
    private readonly HttpResponseMessage _response;
    private Dictionary<string, IEnumerable<string>>? _copy;

    public ResponseHeaders(HttpResponseMessage response) => _response = response;

    public int Count => Copy.Count;

    public IEnumerable<string> Keys => Copy.Keys;

    public IEnumerable<IEnumerable<string>> Values => Copy.Values;

    private Dictionary<string, IEnumerable<string>> Copy => Volatile.Read(ref _copy) ?? CopyOnce();

    public IEnumerable<string> this[string key] => Copy[key];

    public bool ContainsKey(string key) => Copy.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out IEnumerable<string> value) => Copy.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, IEnumerable<string>>> GetEnumerator() => Copy.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Dictionary<string, IEnumerable<string>> CopyOnce()
    {
        // Same precedence as the stock template: a content header overwrites a response header of the same name.
        var copy = new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, IEnumerable<string>> header in _response.Headers)
        {
            copy[header.Key] = header.Value;
        }

        if (_response.Content is { } content)
        {
            foreach (KeyValuePair<string, IEnumerable<string>> header in content.Headers)
            {
                copy[header.Key] = header.Value;
            }
        }

        // Two first readers on two threads build equal copies; either may win.
        return Interlocked.CompareExchange(ref _copy, copy, null) ?? copy;
    }
}
