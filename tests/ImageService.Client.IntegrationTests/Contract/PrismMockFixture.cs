using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;

namespace ImageService.Client.IntegrationTests.Contract;

/// <summary>One <c>prism mock</c> (static examples) for the mock-mode contract tests.</summary>
public sealed class PrismMockFixture : IAsyncLifetime
{
    internal PrismProcess Prism { get; private set; } = null!;

    public async Task InitializeAsync() => Prism = await PrismProcess.MockAsync(dynamic: false);

    public async Task DisposeAsync() => await Prism.DisposeAsync();
}
