using System;
using System.IO;
using System.Linq;
using System.Reflection;
using ImageService.Client.IntegrationTests.TestSupport;

namespace ImageService.Client.IntegrationTests.Hostile;

public sealed class HostileCasesTests
{
    [Fact]
    public void Readme_ReliabilitySection_ShowsTheHostileServerTable()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        string reliability = readme[readme.IndexOf("## Reliability", StringComparison.Ordinal)..];

        Assert.True(reliability.Contains(HostileCases.ToMarkdown(), StringComparison.Ordinal), "README.md's hostile-server table differs from HostileCases.Expected; paste:\n" + HostileCases.ToMarkdown());
    }

    [Fact]
    public void Expected_EveryRowNamesATestThatExists()
    {
        Assert.All(HostileCases.Expected, row =>
        {
            MethodInfo? method = row.Tests.GetMethod(row.Method);
            Assert.NotNull(method);
            Assert.True(method.GetCustomAttributes<FactAttribute>().Any(), $"{row.Tests.Name}.{row.Method} is not a test.");
        });
    }
}
