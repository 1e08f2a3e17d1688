using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using ImageService.Client.PackageTests.TestSupport;

namespace ImageService.Client.PackageTests;

/// <summary>
/// What a pack takes from the clone's git remote (src/Directory.Build.props), for the remotes a clone can have: the
/// client's project evaluated in a scratch git repository holding this repository's build files, with that remote,
/// through the SDK's own SourceLink and nuspec targets (no compile, no restore).
/// </summary>
public sealed class RepositoryFromRemoteTests : IDisposable
{
    private static readonly string[] s_buildFiles =
    [
        "global.json", "Directory.Build.props", "Directory.Packages.props", "version.props",
        "src/Directory.Build.props", "src/ImageService.Client/ImageService.Client.csproj",
    ];

    private readonly string _clone = Path.Combine(Path.GetTempPath(), "imageservice-remote-" + Guid.NewGuid().ToString("N")[..8]);

    [Theory]
    [InlineData("https://github.com/example-org/imageservice-dotnet.git")]
    [InlineData("git@github.com:example-org/imageservice-dotnet.git")]
    public async Task Pack_GitHubRemote_NamesItAndLinksSourcesToItsCommit(string remote)
    {
        string commit = await CreateCloneAsync(remote);

        Dictionary<string, string> pack = await EvaluatePackAsync();

        Assert.Equal("https://github.com/example-org/imageservice-dotnet.git", pack["RepositoryUrl"]);
        Assert.Equal(commit, pack["RepositoryCommit"]);
        Assert.Equal("https://github.com/example-org/imageservice-dotnet", pack["PackageProjectUrl"]);
        Assert.Equal(string.Empty, pack["EmbedAllSources"]);
        string map = await File.ReadAllTextAsync(Path.Combine(_clone, "src", "ImageService.Client", pack["SourceLink"]));
        Assert.Equal($"https://raw.githubusercontent.com/example-org/imageservice-dotnet/{commit}/*", JsonDocument.Parse(map).RootElement.GetProperty("documents").GetProperty("/_/*").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("/srv/mirrors/imageservice-dotnet")]
    public async Task Pack_NoRemoteOrALocalFolder_NamesNoRepositoryAndEmbedsTheSourcesSayingWhy(string? remote)
    {
        await CreateCloneAsync(remote);

        Dictionary<string, string> pack = await EvaluatePackAsync();

        Assert.Equal(string.Empty, pack["RepositoryUrl"]);
        Assert.Equal(string.Empty, pack["PackageProjectUrl"]);
        Assert.Equal("false", pack["EnableSourceLink"]);
        Assert.Equal(string.Empty, pack["SourceLink"]);
        Assert.Equal("true", pack["EmbedAllSources"]);
        Assert.Equal("the clone's git remote 'origin' is missing or a local path", pack["ImageServiceSourceLinkOffReason"]);
    }

    public void Dispose() => Directory.Delete(_clone, recursive: true);

    /// <summary>A git repository with this repository's build files, one commit, and <paramref name="remote"/> as origin.</summary>
    private async Task<string> CreateCloneAsync(string? remote)
    {
        foreach (string file in s_buildFiles)
        {
            string target = Path.Combine(_clone, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(Repository.Root, file), target);
        }

        // Where the SourceLink file goes; a build would have created it.
        Directory.CreateDirectory(Path.Combine(_clone, "src", "ImageService.Client", "obj", "Release", "net10.0"));
        await Repository.GitAsync(_clone, "init", "-q");
        await Repository.GitAsync(_clone, "add", "-A");
        await Repository.GitAsync(_clone, "-c", "user.name=Scratch", "-c", "user.email=scratch@example.test", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "build files");
        if (remote is not null)
        {
            await Repository.GitAsync(_clone, "remote", "add", "origin", remote);
        }

        return await Repository.GitAsync(_clone, "rev-parse", "HEAD");
    }

    /// <summary>The properties a pack of the net10.0 half reads, after the targets that set them from the remote.</summary>
    private async Task<Dictionary<string, string>> EvaluatePackAsync()
    {
        string[] properties = ["RepositoryUrl", "RepositoryCommit", "PackageProjectUrl", "EnableSourceLink", "SourceLink", "EmbedAllSources", "ImageServiceSourceLinkOffReason"];
        List<string> arguments =
        [
            "msbuild", Path.Combine(_clone, "src", "ImageService.Client", "ImageService.Client.csproj"), "-nologo",
            "-p:Configuration=Release", "-p:TargetFramework=net10.0", "-p:_IsPacking=true",
            "-t:GenerateSourceLinkFile;_InitializeNuspecRepositoryInformationProperties",
        ];
        arguments.AddRange(Array.ConvertAll(properties, p => "-getProperty:" + p));
        CliResult evaluation = (await DotnetCli.RunAsync(_clone, null, [.. arguments])).EnsureSuccess();
        JsonElement values = JsonDocument.Parse(evaluation.Output).RootElement.GetProperty("Properties");
        var result = new Dictionary<string, string>();
        foreach (string property in properties)
        {
            result[property] = values.GetProperty(property).GetString() ?? string.Empty;
        }

        return result;
    }
}
