using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;

namespace ImageService.Client.PackageTests.TestSupport;

/// <summary>The README's getting-started program as its steps build it: a new console project with the packed packages.</summary>
internal static class ReadmeProgram
{
    /// <summary>Creates and builds <c>MyImages</c> in <paramref name="work"/>; returns its folder, ready for <c>dotnet run --no-build</c>.</summary>
    public static async Task<string> CreateAsync(string work, string packageFolder, IReadOnlyDictionary<string, string> environment)
    {
        string readme = await File.ReadAllTextAsync(Repository.Readme);
        string app = Path.Combine(work, "MyImages");
        (await DotnetCli.RunAsync(work, environment, "new", "console", "-o", "MyImages")).EnsureSuccess();
        (await DotnetCli.RunAsync(app, environment, "new", "nugetconfig")).EnsureSuccess();
        (await DotnetCli.RunAsync(app, environment, "nuget", "add", "source", packageFolder, "--name", "imageservice-local", "--configfile", "nuget.config")).EnsureSuccess();
        foreach (string package in ReadmeSections.GettingStartedPackages(readme))
        {
            (await DotnetCli.RunAsync(app, environment, "add", "package", package)).EnsureSuccess();
        }

        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ReadmeSections.GettingStartedProgram(readme));
        (await DotnetCli.RunAsync(app, environment, "build", "-nologo")).EnsureSuccess();
        return app;
    }
}
