using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ImageService.Client.PackageTests.TestSupport;

namespace ImageService.Client.PackageTests.Documentation;

/// <summary>build.ps1's help, written once (its comment-based help), as `help` and Get-Help show it.</summary>
public sealed class BuildScriptHelpTests
{
    [Fact]
    public async Task Help_PrintsExactlyTheTargetTextGetHelpShows()
    {
        CliResult help = await DotnetCli.RunBuildScriptAsync("help");
        CliResult getHelp = await GetHelpAsync(width: 250);

        Assert.True(help.ExitCode == 0 && getHelp.ExitCode == 0, help + "\n" + getHelp);
        string[] lines = help.Output.Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith("No target:", StringComparison.Ordinal)) + 1;
        int end = Array.FindIndex(lines, l => l.StartsWith("Target timings:", StringComparison.Ordinal));
        string[] targets = [.. lines[start..end].Select(l => l.Trim()).Where(l => l.Length > 0)];
        HashSet<string> shown = [.. getHelp.Output.Split('\n').Select(l => l.Trim())];

        Assert.Contains(targets, l => l.StartsWith("test ", StringComparison.Ordinal));
        string[] differ = [.. targets.Where(l => !shown.Contains(l))];
        Assert.True(differ.Length == 0, $"build.ps1 help prints lines Get-Help does not show:\n{string.Join('\n', differ)}\n{getHelp.Output}");
    }

    [Fact]
    public async Task GetHelp_At80Columns_KeepsEveryLineOfTheHelpWhole()
    {
        CliResult getHelp = await GetHelpAsync(width: 80);

        Assert.True(getHelp.ExitCode == 0, getHelp.ToString());
        string[] shown = [.. getHelp.Output.Split('\n').Select(l => l.Trim())];
        Assert.Contains("SYNOPSIS", shown);
        string[] broken = [.. CommentHelpLines().Where(line => !shown.Any(s => s.Contains(line, StringComparison.Ordinal)))];
        Assert.True(broken.Length == 0, $"Get-Help breaks these lines of build.ps1's help at 80 columns:\n{string.Join('\n', broken)}");
    }

    /// <summary>The text lines of build.ps1's comment-based help (between &lt;# and #&gt;), its .KEYWORD lines left out.</summary>
    private static IEnumerable<string> CommentHelpLines()
    {
        string[] script = File.ReadAllLines(Repository.BuildScript);
        int start = Array.FindIndex(script, l => l.Trim() == "<#") + 1;
        int end = Array.FindIndex(script, start, l => l.Trim() == "#>");
        return script[start..end].Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('.'));
    }

    private static Task<CliResult> GetHelpAsync(int width) =>
        DotnetCli.RunAsync(Repository.Root, new Dictionary<string, string> { ["NO_COLOR"] = "1" }, "pwsh", "-NoProfile", "-NonInteractive", "-Command",
            $"$PSStyle.OutputRendering = 'PlainText'; Get-Help ./build.ps1 -Detailed | Out-String -Width {width}");
}
