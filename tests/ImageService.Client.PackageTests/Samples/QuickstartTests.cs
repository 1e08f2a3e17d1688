using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ImageService.Client.PackageTests.TestSupport;
using ImageService.Emulator;

namespace ImageService.Client.PackageTests.Samples;

/// <summary>
/// samples/Quickstart run as a process, as the README runs it: with nothing configured against the emulator it embeds;
/// pointed at another emulator by options or by the environment names it prints; and a missing or unknown setting ends
/// in one line that says what to pass, with a non-zero exit code and no stack trace.
/// </summary>
public sealed class QuickstartTests
{
    private static readonly string s_project = Path.Combine(Repository.Root, "samples", "Quickstart");
    private static readonly string s_assembly = Path.Combine(s_project, "bin", Repository.Configuration, "net10.0", "Quickstart.dll");

    [Fact]
    public async Task Run_NothingConfigured_RunsAgainstTheEmbeddedEmulatorQuietlyAndPrintsTheSettingNames()
    {
        CliResult run = await RunAsync();

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Quickstart complete", run.Output, StringComparison.Ordinal);
        Assert.Contains("--endpoint", run.Output, StringComparison.Ordinal);
        Assert.Contains("--token", run.Output, StringComparison.Ordinal);
        Assert.Contains("IMAGESERVICE_ENDPOINT", run.Output, StringComparison.Ordinal);
        // The embedded emulator logs warnings only: no line per request in the quickstart's output.
        Assert.DoesNotContain("info:", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_EndpointAndTokenOptions_RunsAgainstThatEmulator()
    {
        await using var emulator = await ImageServiceEmulator.StartAsync(new EmulatorOptions { Token = "a-token-of-its-own" });

        CliResult run = await RunAsync(null, "--endpoint", emulator.BaseAddress.ToString(), "--token", "a-token-of-its-own");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Using the image service at {emulator.BaseAddress}", run.Output, StringComparison.Ordinal);
        Assert.Contains(emulator.Requests, r => r.Method == "POST" && r.PathAndQuery.EndsWith("/images", StringComparison.Ordinal));
        Assert.All(emulator.Requests, r => Assert.True(r.Authenticated, r.PathAndQuery));
    }

    [Fact]
    public async Task Run_EnvironmentNamesItPrints_RunsAgainstThatEmulator()
    {
        await using var emulator = await ImageServiceEmulator.StartAsync(new EmulatorOptions { Token = "from-the-environment", Workspace = "other-ws" });
        var environment = new Dictionary<string, string>
        {
            ["IMAGESERVICE_ENDPOINT"] = emulator.BaseAddress.ToString(),
            ["IMAGESERVICE_TOKEN"] = "from-the-environment",
            ["IMAGESERVICE_WORKSPACE"] = "other-ws",
        };

        CliResult run = await RunAsync(environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(emulator.Requests, r => r.Method == "POST" && r.PathAndQuery.Contains("/workspaces/other-ws/images", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--subscription", "IMAGESERVICE_SUBSCRIPTION_ID", "--endpoint", "https://westus.api.azureml.ms/")]
    [InlineData("--workspace", "IMAGESERVICE_WORKSPACE", "--endpoint", "https://westus.api.azureml.ms/", "--subscription", "s", "--resource-group", "rg")]
    [InlineData("--endpoint", "IMAGESERVICE_ENDPOINT", "--endpoint", "not-a-url", "--token", "t")]
    [InlineData("--endpoint", "Usage", "--endpont", "http://127.0.0.1:5080/")]
    [InlineData("--token", "needs a value", "--token")]
    public async Task Run_MissingOrWrongSetting_OneLineNamingTheOptionAndExitCode2(string option, string alsoSays, params string[] arguments)
    {
        CliResult run = await RunAsync(null, arguments);

        AssertOneLineFailure(run, option, alsoSays);
    }

    [Fact]
    public async Task Run_UnknownImageServiceEnvironmentVariable_OneLineWithTheRightNames()
    {
        CliResult run = await RunAsync(new Dictionary<string, string> { ["IMAGESERVICE_URL"] = "http://127.0.0.1:5080/" });

        AssertOneLineFailure(run, "IMAGESERVICE_URL", "IMAGESERVICE_ENDPOINT");
    }

    private static void AssertOneLineFailure(CliResult run, string names, string alsoSays)
    {
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(run.ExitCode == 2 && lines.Length == 1, run.ToString());
        Assert.StartsWith("Quickstart: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(names, lines[0], StringComparison.Ordinal);
        Assert.Contains(alsoSays, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Output, StringComparison.Ordinal);
    }

    /// <summary>The built quickstart from its project folder, with no IMAGESERVICE_ or ImageService__ variable but these.</summary>
    private static Task<CliResult> RunAsync(IReadOnlyDictionary<string, string>? environment = null, params string[] arguments)
    {
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        foreach (string inherited in Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(n => n.StartsWith("IMAGESERVICE", StringComparison.OrdinalIgnoreCase) && !variables.ContainsKey(n)))
        {
            variables[inherited] = ""; // an empty value is no setting
        }

        return DotnetCli.RunAsync(s_project, variables, [s_assembly, .. arguments]);
    }
}
