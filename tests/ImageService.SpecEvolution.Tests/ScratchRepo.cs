using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>
/// A throwaway git repository in the temp folder holding a copy of this repository's files, so that tests can commit,
/// tag and release without touching the real one. <see cref="GateFiles"/> is what spec-diff, api-diff and release read;
/// <see cref="CreateFreshCloneAsync"/> copies every tracked file instead, as a fresh clone would have them.
/// </summary>
internal sealed class ScratchRepo : IDisposable
{
    /// <summary>What build.ps1's gates and release read (with <see cref="ScriptFiles"/>): the script, the Optic and Spectral set-up, the spec, the versions.</summary>
    private static readonly string[] GateFiles =
    [
        "build.ps1", ".config/dotnet-tools.json", "global.json", "optic.yml", ".spectral.yaml", "package.json", "package-lock.json", ".gitignore",
        "version.props", "CHANGELOG.md", "openapi/images.yaml",
        "src/ImageService.Client/PublicAPI.Shipped.txt", "src/ImageService.Client/PublicAPI.Unshipped.txt",
    ];

    private ScratchRepo(string root) => Root = root;

    public string Root { get; }

    /// <summary>A repository with the gate files, node_modules shared with this checkout (read-only use: Optic), one commit.</summary>
    public static async Task<ScratchRepo> CreateAsync()
    {
        var repo = new ScratchRepo(NewFolder());
        foreach (string file in GateFiles.Concat(ScriptFiles()))
        {
            repo.CopyFromRepo(file);
        }

        // Optic from this checkout's node_modules. package-lock.json keeps its time, so the copy's node_modules counts
        // as up to date and no npm ci ever runs through the link.
        Directory.CreateSymbolicLink(Path.Combine(repo.Root, "node_modules"), Path.Combine(BuildScript.RepoRoot, "node_modules"));
        await repo.InitAsync();
        return repo;
    }

    /// <summary>Every file git tracks here (plus new, not ignored ones), nothing else: no node_modules, bin, obj or artifacts.</summary>
    public static async Task<ScratchRepo> CreateFreshCloneAsync()
    {
        var repo = new ScratchRepo(NewFolder());
        string files = await RunGitAsync(BuildScript.RepoRoot, "ls-files", "--cached", "--others", "--exclude-standard");
        foreach (string file in files.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(f => File.Exists(Path.Combine(BuildScript.RepoRoot, f))))
        {
            repo.CopyFromRepo(file);
        }

        await repo.InitAsync();
        return repo;
    }

    /// <summary>build.ps1's helpers and the Optic and Spectral rules they load: every file of .ci/scripts.</summary>
    private static IEnumerable<string> ScriptFiles() =>
        Directory.GetFiles(Path.Combine(BuildScript.RepoRoot, ".ci", "scripts"), "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(BuildScript.RepoRoot, file).Replace('\\', '/'));

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    public void Write(string relative, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(relative))!);
        File.WriteAllText(PathOf(relative), text);
    }

    public void Edit(string relative, Func<string, string> edit)
    {
        string before = Read(relative);
        string after = edit(before);
        if (after == before)
        {
            throw new InvalidOperationException($"The edit of {relative} changed nothing: the text it looks for is gone.");
        }

        Write(relative, after);
    }

    /// <summary>What version.props says (whatever the repository's state: the tests derive every version from it).</summary>
    public Version Version =>
        Version.Parse(System.Text.RegularExpressions.Regex.Match(Read("version.props"), "<VersionPrefix>\\s*([^<\\s]+)\\s*</VersionPrefix>").Groups[1].Value);

    /// <summary>One MINOR above <see cref="Version"/>.</summary>
    public string NextMinor => $"{Version.Major}.{Version.Minor + 1}.0";

    /// <summary>One MAJOR above <see cref="Version"/>.</summary>
    public string NextMajor => $"{Version.Major + 1}.0.0";

    /// <summary>Tags what version.props says as released (v-tag, annotated) and returns the tag.</summary>
    public async Task<string> TagReleaseAsync()
    {
        string tag = $"v{Version}";
        await GitAsync("tag", "-a", tag, "-m", $"Release {Version}");
        return tag;
    }

    /// <summary>Applies a <see cref="SpecEdits"/> edit to openapi/images.yaml and returns it (with the name it used).</summary>
    public SpecEdit EditSpec(Func<string, SpecEdit> edit)
    {
        SpecEdit result = edit(Read("openapi/images.yaml"));
        Write("openapi/images.yaml", result.Spec);
        return result;
    }

    public void SetVersion(string version) =>
        Edit("version.props", text => System.Text.RegularExpressions.Regex.Replace(text, "<VersionPrefix>[^<]*</VersionPrefix>", $"<VersionPrefix>{version}</VersionPrefix>"));

    /// <summary>Adds a '## [version] - Unreleased' section (with the given text under it) above the first version's.</summary>
    public void AddChangelogSection(string version, string body) =>
        Edit("CHANGELOG.md", text =>
        {
            int first = text.IndexOf("\n## [", StringComparison.Ordinal);
            return text[..(first + 1)] + $"## [{version}] - Unreleased\n\n{body}\n\n" + text[(first + 1)..];
        });

    public Task<string> CommitAllAsync(string message) => GitThenAsync(["add", "-A"], ["commit", "-q", "-m", message]);

    public Task<string> GitAsync(params string[] arguments) => RunGitAsync(Root, arguments);

    public Task<BuildScriptResult> RunAsync(params string[] arguments) => BuildScript.RunInAsync(Root, arguments);

    public void Dispose()
    {
        try
        {
            // The node_modules link first, so that nothing behind it is ever deleted.
            string link = PathOf("node_modules");
            if (new FileInfo(link).LinkTarget is not null)
            {
                File.Delete(link);
            }

            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private static string NewFolder()
    {
        string root = Path.Combine(Path.GetTempPath(), "imageservice-scratch-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        return root;
    }

    private void CopyFromRepo(string relative)
    {
        string source = Path.Combine(BuildScript.RepoRoot, relative);
        string target = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(source, target, overwrite: true);
        File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(source));
    }

    private async Task InitAsync()
    {
        await GitAsync("init", "-q", "-b", "main");
        await GitAsync("config", "user.email", "scratch@example.test");
        await GitAsync("config", "user.name", "Scratch");
        await GitAsync("config", "commit.gpgsign", "false");
        await GitAsync("config", "tag.gpgsign", "false");
        await CommitAllAsync("The repository as copied");
    }

    private async Task<string> GitThenAsync(string[] first, string[] second)
    {
        await GitAsync(first);
        return await GitAsync(second);
    }

    private static async Task<string> RunGitAsync(string directory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(startInfo)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({process.ExitCode}) in {directory}: {await error}");
        }

        return await output;
    }
}

/// <summary>A spec edited by <see cref="SpecEdits"/>, and the name it gave what it added (or renamed to).</summary>
internal sealed record SpecEdit(string Spec, string Name)
{
    /// <summary>The C# name NSwag and the list-filter generator give it (createdAfter: CreatedAfter).</summary>
    public string Member => char.ToUpperInvariant(Name[0]) + Name[1..];
}

/// <summary>
/// Edits of a copy of openapi/images.yaml: the changes of CONTRIBUTING.md's walkthroughs and a few more. Each applies
/// to the spec as it is: a name the spec already has (because the walkthrough was done for real, say) gets a number,
/// so the tests follow the spec instead of failing on a duplicated key.
/// </summary>
internal static class SpecEdits
{
    /// <summary>The additive walkthrough's query parameter: <c>createdAfter</c> (date-time) on the list operation.</summary>
    public static SpecEdit AddCreatedAfterParameter(string spec) => AddParameter(spec, "Images_ListQuery", "createdAfter", name => $$"""
                - name: {{name}}
                  in: query
                  required: false
                  description: Only Images created after this time (an ISO 8601 `date-time`).
                  schema:
                    type: string
                    format: date-time

        """);

    /// <summary>A query parameter on the profile list: <c>state</c> (string).</summary>
    public static SpecEdit AddProfileStateParameter(string spec) => AddParameter(spec, "Profiles_ListQuery", "state", name => $$"""
                - name: {{name}}
                  in: query
                  required: false
                  description: Only Profiles in this `state`.
                  schema:
                    type: string

        """);

    /// <summary>A query parameter on get-by-id: <c>includeBuildLog</c> (boolean).</summary>
    public static SpecEdit AddIncludeBuildLogParameter(string spec) => AddParameter(spec, "Images_QueryById", "includeBuildLog", name => $$"""
                - name: {{name}}
                  in: query
                  required: false
                  description: When true, the build log is included.
                  schema:
                    type: boolean

        """);

    /// <summary>The additive walkthrough's response property: <c>buildDurationSeconds</c> on ImageResponseBase.</summary>
    public static SpecEdit AddBuildDurationProperty(string spec)
    {
        string name = Fresh(spec, "buildDurationSeconds", n => $"\n        {n}:");
        return new SpecEdit(InsertAfter(spec, "    ImageResponseBase:", "      properties:\n", $$"""
                    {{name}}:
                      type: integer
                      format: int64
                      description: How long the image build took, in seconds.

            """), name);
    }

    /// <summary>The enum walkthrough: <c>Queued</c> added to AsyncOperationState (the type of <c>creationState</c>).</summary>
    public static SpecEdit AddQueuedState(string spec)
    {
        string name = Fresh(spec, "Queued", n => $"- {n}\n");
        return new SpecEdit(InsertAfter(spec, "    AsyncOperationState:", "      enum:\n", $"        - {name}\n"), name);
    }

    /// <summary>
    /// The breaking walkthrough: <c>imageBuildLogUri</c> renamed <c>buildLogUri</c> in ImageResponseBase (or, once that
    /// rename is done, <c>buildLogUri</c> renamed again). <see cref="SpecEdit.Name"/> is the new name.
    /// </summary>
    public static SpecEdit RenameBuildLogUri(string spec, out string oldName)
    {
        int schema = IndexOf(spec, "\n    ImageResponseBase:", 0);
        int end = spec.IndexOf("\n    DockerImageResponse:", schema, StringComparison.Ordinal);
        oldName = new[] { "imageBuildLogUri", "buildLogUri" }.FirstOrDefault(n => spec.IndexOf($"\n        {n}:", schema, StringComparison.Ordinal) is int i && i >= 0 && (end < 0 || i < end))
            ?? throw new InvalidOperationException($"ImageResponseBase has neither imageBuildLogUri nor buildLogUri: update {nameof(SpecEdits)}.{nameof(RenameBuildLogUri)}.");
        string name = Fresh(spec, "buildLogUri", n => $"\n        {n}:");
        int at = IndexOf(spec, $"\n        {oldName}:", schema);
        return new SpecEdit(spec[..at] + $"\n        {name}:" + spec[(at + $"\n        {oldName}:".Length)..], name);
    }

    /// <summary>A new required property of the create request: <c>environmentName</c> (string) in DockerImageRequest.</summary>
    public static SpecEdit AddRequiredRequestProperty(string spec)
    {
        string name = Fresh(spec, "environmentName", n => $"\n        {n}:");
        string withProperty = InsertAfter(spec, "    DockerImageRequest:", "      properties:\n", $$"""
                    {{name}}:
                      type: string
                      description: The environment the image is built in.

            """);
        return new SpecEdit(InsertAfter(withProperty, "    DockerImageRequest:", "      required:\n", $"        - {name}\n"), name);
    }

    /// <summary>The first query parameter the list operation declares inline, deprecated with <paramref name="message"/> (null: no message).</summary>
    public static SpecEdit DeprecateListParameter(string spec, string? message)
    {
        int operation = IndexOf(spec, "      operationId: Images_ListQuery", 0);
        var parameter = System.Text.RegularExpressions.Regex.Match(spec[operation..], "\n        - name: (?<name>\\S+)\n");
        if (!parameter.Success)
        {
            throw new InvalidOperationException($"Images_ListQuery declares no parameter inline: update {nameof(SpecEdits)}.{nameof(DeprecateListParameter)}.");
        }

        int at = operation + parameter.Index + parameter.Length;
        return new SpecEdit(spec[..at] + Deprecation("          ", message) + spec[at..], parameter.Groups["name"].Value);
    }

    /// <summary>The first property of ImageResponseBase, deprecated with <paramref name="message"/>.</summary>
    public static SpecEdit DeprecateResponseProperty(string spec, string message)
    {
        int schema = IndexOf(spec, "\n    ImageResponseBase:", 0);
        int properties = IndexOf(spec, "\n      properties:\n", schema) + "\n      properties:\n".Length;
        var property = System.Text.RegularExpressions.Regex.Match(spec[properties..], "^        (?<name>[A-Za-z0-9_]+):\n");
        int at = properties + property.Length;
        return new SpecEdit(spec[..at] + Deprecation("          ", message) + spec[at..], property.Groups["name"].Value);
    }

    private static string Deprecation(string indent, string? message) =>
        $"{indent}deprecated: true\n" + (message is null ? string.Empty : $"{indent}x-deprecatedMessage: '{message.Replace("'", "''", StringComparison.Ordinal)}'\n");

    /// <summary>A new discriminator value mapped to the schema an existing value maps to (NSwag cannot generate it).</summary>
    public static SpecEdit MapDiscriminatorValueToExistingSchema(string spec)
    {
        int mapping = IndexOf(spec, "\n        mapping:\n", IndexOf(spec, "\n    ImageResponseBase:", 0)) + "\n        mapping:\n".Length;
        var first = System.Text.RegularExpressions.Regex.Match(spec[mapping..], "^          \\S+: (?<target>'[^']+')\n");
        string name = Fresh(spec, "ServerlessContainer", n => $" {n}: ");
        int after = mapping + first.Length;
        return new SpecEdit(spec[..after] + $"          {name}: {first.Groups["target"].Value}\n" + spec[after..], name);
    }

    private static SpecEdit AddParameter(string spec, string operationId, string wanted, Func<string, string> parameter)
    {
        string name = Fresh(spec, wanted, n => $"- name: {n}\n");
        return new SpecEdit(InsertAfter(spec, "      operationId: " + operationId, "      parameters:\n", parameter(name)), name);
    }

    /// <summary><paramref name="wanted"/>, or with a number when the spec already has it (as <paramref name="pattern"/> spells it).</summary>
    private static string Fresh(string spec, string wanted, Func<string, string> pattern)
    {
        for (int i = 1; ; i++)
        {
            string name = i == 1 ? wanted : wanted + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!spec.Contains(pattern(name), StringComparison.Ordinal))
            {
                return name;
            }
        }
    }

    private static string InsertAfter(string spec, string anchor, string line, string insertion)
    {
        int start = IndexOf(spec, anchor, 0);
        int at = IndexOf(spec, line, start) + line.Length;
        return spec[..at] + insertion + spec[at..];
    }

    private static int IndexOf(string text, string value, int start)
    {
        int index = text.IndexOf(value, start, StringComparison.Ordinal);
        return index >= 0 ? index : throw new InvalidOperationException($"openapi/images.yaml no longer has '{value.Trim()}' where the walkthrough edits it: update {nameof(SpecEdits)}.");
    }
}
