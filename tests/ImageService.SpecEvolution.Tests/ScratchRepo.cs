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

    public void Write(string relative, string text) => File.WriteAllText(PathOf(relative), text);

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

/// <summary>Edits of a copy of openapi/images.yaml: the three changes of CONTRIBUTING.md's walkthroughs.</summary>
internal static class SpecEdits
{
    /// <summary>The additive walkthrough's query parameter: <c>createdAfter</c> (date-time) on the list operation.</summary>
    public static string AddCreatedAfterParameter(string spec) => InsertAfter(spec, "      operationId: Images_ListQuery", "      parameters:\n", """
                - name: createdAfter
                  in: query
                  required: false
                  description: Only Images created after this time (an ISO 8601 `date-time`).
                  schema:
                    type: string
                    format: date-time

        """);

    /// <summary>A query parameter on the profile list: <c>state</c> (string).</summary>
    public static string AddProfileStateParameter(string spec) => InsertAfter(spec, "      operationId: Profiles_ListQuery", "      parameters:\n", """
                - name: state
                  in: query
                  required: false
                  description: Only Profiles in this `state`.
                  schema:
                    type: string

        """);

    /// <summary>A query parameter on get-by-id: <c>includeBuildLog</c> (boolean).</summary>
    public static string AddIncludeBuildLogParameter(string spec) => InsertAfter(spec, "      operationId: Images_QueryById", "      parameters:\n", """
                - name: includeBuildLog
                  in: query
                  required: false
                  description: When true, the build log is included.
                  schema:
                    type: boolean

        """);

    /// <summary>The additive walkthrough's response property: <c>buildDurationSeconds</c> on ImageResponseBase.</summary>
    public static string AddBuildDurationProperty(string spec) => InsertAfter(spec, "    ImageResponseBase:", "      properties:\n", """
                buildDurationSeconds:
                  type: integer
                  format: int64
                  description: How long the image build took, in seconds.

        """);

    /// <summary>The enum walkthrough: <c>Queued</c> added to AsyncOperationState (the type of <c>creationState</c>).</summary>
    public static string AddQueuedState(string spec) => InsertAfter(spec, "    AsyncOperationState:", "        - NotStarted\n", "        - Queued\n");

    /// <summary>The breaking walkthrough: <c>imageBuildLogUri</c> renamed <c>buildLogUri</c> in ImageResponseBase.</summary>
    public static string RenameImageBuildLogUri(string spec)
    {
        int schema = IndexOf(spec, "\n    ImageResponseBase:", 0);
        int at = IndexOf(spec, "\n        imageBuildLogUri:", schema);
        return spec[..at] + "\n        buildLogUri:" + spec[(at + "\n        imageBuildLogUri:".Length)..];
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
