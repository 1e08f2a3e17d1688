using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ImageService.Client.IntegrationTests.TestSupport;

/// <summary>
/// The figures of a suite (cells passed, ops/s, retries, leaks, violations…), written to
/// <c>artifacts/figures/&lt;suite&gt;.json</c> after every change, so the file holds this run's numbers even when a
/// later test of the suite fails. <c>build.ps1 figures</c> turns them into a table.
/// </summary>
internal static class Figures
{
    private static readonly object s_gate = new();
    private static readonly Dictionary<string, JsonObject> s_suites = new(StringComparer.Ordinal);

    public static void Set(string suite, string name, JsonNode? value)
    {
        lock (s_gate)
        {
            JsonObject figures = Suite(suite);
            figures[name] = value;
            Write(suite, figures);
        }
    }

    public static void Add(string suite, string name, long increment)
    {
        lock (s_gate)
        {
            JsonObject figures = Suite(suite);
            long current = figures[name]?.GetValue<long>() ?? 0;
            figures[name] = current + increment;
            Write(suite, figures);
        }
    }

    private static JsonObject Suite(string suite)
    {
        if (!s_suites.TryGetValue(suite, out JsonObject? figures))
        {
            figures = new JsonObject();
            s_suites[suite] = figures;
        }

        return figures;
    }

    private static void Write(string suite, JsonObject figures)
    {
        Directory.CreateDirectory(RepoPaths.Figures);
        figures["updated"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(RepoPaths.Figures, suite + ".json"), figures.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
