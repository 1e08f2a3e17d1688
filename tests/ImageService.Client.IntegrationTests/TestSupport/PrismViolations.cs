using System;
using System.Collections.Generic;
using System.Linq;

namespace ImageService.Client.IntegrationTests.TestSupport;

/// <summary>Reads Prism's validator findings: log lines and the <c>sl-violations</c> response header.</summary>
internal static class PrismViolations
{
    /// <summary>The validator's error and warning lines (e.g. "[VALIDATOR] ✖ error Violation: request.query.count …").</summary>
    public static IReadOnlyList<string> InLog(IEnumerable<string> lines) =>
        [.. lines.Where(l => l.Contains("[VALIDATOR]", StringComparison.Ordinal)
            && (l.Contains('✖') || l.Contains('⚠') || l.Contains("Violation", StringComparison.OrdinalIgnoreCase)))];

    /// <summary>The exchanges Prism flagged in the <c>sl-violations</c> header, as "METHOD path: violations".</summary>
    public static IReadOnlyList<string> InHeaders(IEnumerable<RecordedExchange> exchanges) =>
        [.. exchanges.Where(e => e.ResponseHeaders.ContainsKey("sl-violations"))
            .Select(e => $"{e.Method} {e.Uri.PathAndQuery} -> {e.Status}: {e.ResponseHeaders["sl-violations"]}")];
}
