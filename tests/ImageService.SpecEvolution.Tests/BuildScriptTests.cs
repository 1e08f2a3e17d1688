using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>build.ps1 as a newcomer meets it: its help, and its targets as the first command on a fresh clone.</summary>
public sealed class BuildScriptTests
{
    [Fact]
    public async Task GetHelp_Detailed_DescribesEveryTarget()
    {
        // The shebang line must not sit against the comment-based help, or Get-Help prints only the syntax.
        BuildScriptResult help = await BuildScript.RunPwshAsync(BuildScript.RepoRoot, "Get-Help ./build.ps1 -Detailed | Out-String -Width 250");
        BuildScriptResult targets = await BuildScript.RunAsync("help");

        Assert.True(help.ExitCode == 0 && targets.ExitCode == 0, help + "\n" + targets);
        Assert.Contains("SYNOPSIS", help.Output);
        Assert.Contains("-Target", help.Output);
        string[] names = Regex.Matches(targets.Output, @"^  (?<name>[a-z][a-z-]+)\s{2,}\S", RegexOptions.Multiline).Select(m => m.Groups["name"].Value).ToArray();
        Assert.Contains("spec-update", names);
        Assert.Contains("release", names);
        Assert.All(names, name => Assert.Matches(new Regex(@"^\s+" + Regex.Escape(name) + @"\s", RegexOptions.Multiline), help.Output));
    }

    [Fact]
    public async Task SpecDiff_FirstCommandOnAFreshClone_InstallsItsToolsAndReports()
    {
        // A fresh clone has no node_modules; spec-diff installs Optic itself. Before, the restore it ran joined the gate's
        // return value and the gate died with "The property 'Lines' cannot be found on this object".
        using ScratchRepo clone = await ScratchRepo.CreateFreshCloneAsync();
        SpecEdit property = clone.EditSpec(SpecEdits.AddBuildDurationProperty);
        await clone.CommitAllAsync($"Spec: {property.Name}");

        BuildScriptResult first = await clone.RunAsync("spec-diff");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("node_modules is missing: npm ci", first.Output);
        Assert.Matches(@"Spec changes: 0 breaking, [1-9]\d* non-breaking", first.Output);
        Assert.Contains($"property /schema/properties/{property.Name} added", first.Output);
        Assert.DoesNotContain("cannot be found on this object", first.Output);

        // npm ci runs only when node_modules is missing or older than package-lock.json.
        BuildScriptResult second = await clone.RunAsync("spec-diff");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("node_modules is up to date with package-lock.json: npm ci skipped.", second.Output);
        Assert.DoesNotContain("npm ci --no-audit", second.Output);
    }
}
