using System;
using System.IO;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>
/// A query parameter the spec adds to the profile list or to get-by-id reaches the public API the way one added to the
/// image list does (SpecChangeWalkthroughTests): a typed, documented property of ProfileListOptions or ImageGetOptions,
/// sent by the generated mapping the facade calls, with no hand edit. Scratch copy of the spec, NSwag and the generator.
/// </summary>
public sealed class QueryOptionsGenerationTests
{
    [Fact]
    public async Task NewQueryParameters_OnProfileListAndGetById_BecomeOptionsThatAreSent()
    {
        string repoSpec = await File.ReadAllTextAsync(Path.Combine(BuildScript.RepoRoot, "openapi", "images.yaml"));
        SpecEdit stateParameter = SpecEdits.AddProfileStateParameter(repoSpec);
        SpecEdit includeBuildLogParameter = SpecEdits.AddIncludeBuildLogParameter(stateParameter.Spec);
        string spec = includeBuildLogParameter.Spec;

        using ScratchClient client = await ScratchClient.BuildAsync(spec);

        Type profileOptions = client.Type("ProfileListOptions");
        PropertyInfo state = profileOptions.GetProperty(stateParameter.Member)!;
        Assert.NotNull(state);
        Assert.Equal(typeof(string), state.PropertyType);
        Assert.Equal("Only Profiles in this <c>state</c>.", client.Summary("P:ImageService.Client.ProfileListOptions." + stateParameter.Member));

        Type getOptions = client.Type("ImageGetOptions");
        PropertyInfo includeBuildLog = getOptions.GetProperty(includeBuildLogParameter.Member)!;
        Assert.NotNull(includeBuildLog);
        Assert.Equal(typeof(bool?), includeBuildLog.PropertyType);
        Assert.Equal("When true, the build log is included.", client.Summary("P:ImageService.Client.ImageGetOptions." + includeBuildLogParameter.Member));

        // Sent over HTTP by the mappings the facade calls (InvokeAsync, generated).
        object profiles = Activator.CreateInstance(profileOptions)!;
        state.SetValue(profiles, "Succeeded");
        string profileRequest = await SendAsync(client, profiles, """{"value":[]}""", ["sub", "rg", "ws", "img:1", null]);
        Assert.Contains($"/images/img%3A1/profiles?{stateParameter.Name}=Succeeded ", profileRequest, StringComparison.Ordinal);

        object get = Activator.CreateInstance(getOptions)!;
        includeBuildLog.SetValue(get, true);
        string getRequest = await SendAsync(client, get, """{"id":"img:1"}""", ["sub", "rg", "ws", "img:1"]);
        Assert.Contains("/images/img%3A1?", getRequest, StringComparison.Ordinal);
        Assert.Contains(includeBuildLogParameter.Name + "=true", getRequest, StringComparison.Ordinal);
    }

    private static async Task<string> SendAsync(ScratchClient client, object options, string json, object?[] callerArguments)
    {
        using var server = new OneResponseServer(json);
        using var http = new System.Net.Http.HttpClient { BaseAddress = server.BaseAddress };
        object rest = Activator.CreateInstance(client.Type("ImageServiceRestClient"), http)!;
        MethodInfo invoke = options.GetType().GetMethod("InvokeAsync", BindingFlags.Instance | BindingFlags.NonPublic)!;
        await (Task)invoke.Invoke(options, [rest, .. callerArguments, CancellationToken.None])!;
        return await server.RequestLine;
    }
}
