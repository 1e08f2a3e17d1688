using System;
using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ImageService.Client.Tests.TestSupport;

namespace ImageService.Client.Tests;

/// <summary>
/// README.md's Configuration table is derived from <see cref="ImageServiceClientOptions"/>: one row per public property,
/// in declaration order; the default is what a new options object holds (or "(required)" for a [RequiredOption] one);
/// the meaning is the property's XML doc summary, with "Gets or sets the"/"Gets the" dropped, followed by what its
/// <c>&lt;value&gt;</c> doc adds after stating the default (allowed range, what null means). A new option, a changed
/// default or a reworded doc fails here with the table to paste.
/// </summary>
public partial class ImageServiceClientOptionsReadmeTests
{
    [Fact]
    public void Readme_ConfigurationTable_IsTheOptionsDefaultsAndDocs()
    {
        string readme = RepoFiles.Read("README.md");
        string expected = ConfigurationTable();

        Assert.Contains("## Configuration", readme, StringComparison.Ordinal);
        Assert.True(readme.Contains(expected, StringComparison.Ordinal), "README.md's Configuration table differs from ImageServiceClientOptions (defaults, XML doc summaries); paste:\n" + expected);
    }

    [Fact]
    public void ConfigurationTable_HasARowPerPublicOptionWithItsDefault()
    {
        string[] rows = ConfigurationTable().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToArray();

        PropertyInfo[] options = typeof(ImageServiceClientOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        Assert.Equal(options.Length, rows.Length);
        Assert.Contains("| `MaxRetryAttempts` | 3 |", rows[Array.FindIndex(options, p => p.Name == "MaxRetryAttempts")], StringComparison.Ordinal);
        Assert.Contains("| `BaseDelay` | 0.8 s |", string.Join('\n', rows), StringComparison.Ordinal);
        Assert.Contains("| `MaxResponseBytes` | 16 MiB |", string.Join('\n', rows), StringComparison.Ordinal);
        Assert.Contains("| `Endpoint` | (required) |", string.Join('\n', rows), StringComparison.Ordinal);
    }

    /// <summary>The table as README.md must show it.</summary>
    internal static string ConfigurationTable()
    {
        XDocument docs = XDocument.Load(Path.ChangeExtension(typeof(ImageServiceClientOptions).Assembly.Location, ".xml"));
        var defaults = new ImageServiceClientOptions();
        var table = new StringBuilder("| Option | Default | Meaning |\n|---|---|---|\n");
        foreach (PropertyInfo property in typeof(ImageServiceClientOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            string member = $"P:{typeof(ImageServiceClientOptions).FullName}.{property.Name}";
            XElement doc = docs.Descendants("member").SingleOrDefault(m => (string?)m.Attribute("name") == member)
                ?? throw new InvalidOperationException($"{property.Name} has no XML doc.");
            string meaning = Sentence(doc.Element("summary") ?? throw new InvalidOperationException($"{property.Name} has no XML doc summary."));
            if (doc.Element("value") is { } value && AfterTheDefault().Match(Text(value)) is { Success: true } more && !more.Groups[1].Value.StartsWith("the option is required", StringComparison.Ordinal))
            {
                meaning += property.GetValue(defaults) is null ? " If unset: " + more.Groups[1].Value : " " + Capitalize(more.Groups[1].Value);
            }

            table.Append(CultureInfo.InvariantCulture, $"| `{property.Name}` | {Default(property, property.GetValue(defaults))} | {meaning} |\n");
        }

        return table.ToString();
    }

    private static string Default(PropertyInfo property, object? value) => value switch
    {
        _ when property.GetCustomAttribute<ImageService.Client.Internal.RequiredOptionAttribute>() is not null => "(required)",
        null => "none",
        TimeSpan t when t >= TimeSpan.FromMinutes(1) && t.Ticks % TimeSpan.TicksPerMinute == 0 => $"{t.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min",
        TimeSpan t => $"{t.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s",
        long bytes when property.Name.EndsWith("Bytes", StringComparison.Ordinal) && bytes % (1024 * 1024) == 0 => $"{bytes / (1024 * 1024)} MiB",
        string s => $"`{s}`",
        bool b => b ? "`true`" : "`false`",
        IEnumerable items when !items.Cast<object>().Any() => "empty",
        IEnumerable items => string.Join(", ", items.Cast<object>().Select(i => $"`{i}`")),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "none",
    };

    private static string Sentence(XElement summary) => Capitalize(GetsOrSets().Replace(Text(summary), string.Empty));

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static string Text(XElement summary)
    {
        var text = new StringBuilder();
        foreach (XNode node in summary.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "c" } c => $"`{c.Value}`",
                XElement { Name.LocalName: "see" } see when see.Attribute("langword") is { } word => $"`{word.Value}`",
                XElement { Name.LocalName: "see" } see => $"`{Cref((string)see.Attribute("cref")!)}`",
                XElement e => e.Value,
                _ => string.Empty,
            });
        }

        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    /// <summary>A type or an option by its name; another member by its type and name (<c>TimeProvider.System</c>).</summary>
    private static string Cref(string cref)
    {
        string[] parts = cref[2..].Split('.');
        return cref.StartsWith("T:", StringComparison.Ordinal) || parts[^2] == nameof(ImageServiceClientOptions) ? parts[^1] : $"{parts[^2]}.{parts[^1]}";
    }

    /// <summary>What a <c>&lt;value&gt;</c> doc says after "The default value is X." (or "X:", "X;").</summary>
    [GeneratedRegex(@"^The default value is .*?[.:;] (.+)$")]
    private static partial Regex AfterTheDefault();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^Gets (or sets )?(the |a value indicating )?")]
    private static partial Regex GetsOrSets();
}
