using System;
using System.IO;
using System.Reflection;
using System.Threading.Tasks;

namespace ImageService.SpecEvolution.Tests;

/// <summary>
/// What the spec deprecates reaches every public member generated from it with the spec's words
/// (<c>x-deprecatedMessage</c>): a list filter generated from a query parameter (src/ImageService.Client.Generators) and
/// a DTO property (NJsonSchema). A scratch copy of the spec, NSwag and the generator, as the client's build runs them.
/// </summary>
public sealed class DeprecationTests
{
    [Fact]
    public async Task DeprecatedQueryParameterAndResponseProperty_BecomeObsoleteWithTheSpecsWords()
    {
        string repoSpec = await File.ReadAllTextAsync(Path.Combine(BuildScript.RepoRoot, "openapi", "images.yaml"));
        SpecEdit parameter = SpecEdits.DeprecateListParameter(repoSpec, "Use the other filters: this one is going away.");
        SpecEdit property = SpecEdits.DeprecateResponseProperty(parameter.Spec, "The service no longer fills it.");

        using ScratchClient client = await ScratchClient.BuildAsync(property.Spec);

        PropertyInfo option = client.Type("ImageListOptions").GetProperty(parameter.Member)!;
        Assert.NotNull(option);
        Assert.Equal("Use the other filters: this one is going away.", option.GetCustomAttribute<ObsoleteAttribute>()?.Message);
        PropertyInfo dto = client.Type("ImageResponseBase").GetProperty(property.Member)!;
        Assert.NotNull(dto);
        Assert.Equal("The service no longer fills it.", dto.GetCustomAttribute<ObsoleteAttribute>()?.Message);

        // The options still send what a caller sets, and no other option is obsolete.
        Assert.DoesNotContain(client.Diagnostics, d => d.Id == "CS0618");
        Assert.All(client.Type("ImageListOptions").GetProperties(), p =>
            Assert.True(p.Name == parameter.Member || p.GetCustomAttribute<ObsoleteAttribute>() is null, $"{p.Name} is obsolete too"));
    }
}

/// <summary>
/// Spectral's house rules (.spectral.yaml) on a scratch copy of the spec, through <c>build.ps1 lint</c> (the first step
/// of spec-update and of the test command): what NSwag cannot take, or the SDK cannot say, is reported before any
/// build, with what to do.
/// </summary>
public sealed class SpecLintTests
{
    [Fact]
    public async Task DiscriminatorValueMappedToAnExistingSubtype_IsReportedWithTheFix()
    {
        // NSwag 14.7.1 dies on it with "Sequence contains more than one matching element" (MSB3073, exit code 255).
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        SpecEdit value = repo.EditSpec(SpecEdits.MapDiscriminatorValueToExistingSchema);

        BuildScriptResult result = await repo.RunAsync("lint");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("house-discriminator-one-value-per-schema", result.Output);
        Assert.Contains($"'{value.Name}' maps to DockerImageResponse, which", result.Output);
        Assert.Contains("Sequence contains more than one matching element", result.Output);
        Assert.Contains($"[JsonInheritanceAlias(\"{value.Name}\", typeof(DockerImageResponse))]", result.Output);
    }

    [Fact]
    public async Task DeprecationWithoutAMessage_FailsTheLint()
    {
        using ScratchRepo repo = await ScratchRepo.CreateAsync();
        repo.EditSpec(spec => SpecEdits.DeprecateListParameter(spec, message: null));

        BuildScriptResult result = await repo.RunAsync("lint");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("house-deprecated-says-why", result.Output);
        Assert.Contains("x-deprecatedMessage", result.Output);
    }
}
