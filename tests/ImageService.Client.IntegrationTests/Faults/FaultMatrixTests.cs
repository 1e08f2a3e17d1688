using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;
using ImageService.Emulator;

namespace ImageService.Client.IntegrationTests.Faults;

/// <summary>One emulator for the whole matrix; every cell works on its own image.</summary>
public sealed class FaultMatrixFixture : IAsyncLifetime
{
    internal ImageServiceEmulator Emulator { get; private set; } = null!;

    internal ClientHost Setup { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Emulator = await ImageServiceEmulator.StartAsync(new EmulatorOptions
        {
            BuildStepDuration = TimeSpan.FromMilliseconds(20),
            Faults = { ThrottleRetryAfter = TimeSpan.FromMilliseconds(10) },
        });
        // The setup client is patient; only the client under test has the matrix's short timeouts.
        Setup = ClientHost.ForEmulator(Emulator, options =>
        {
            options.AttemptTimeout = TimeSpan.FromSeconds(20);
            options.TotalRequestTimeout = TimeSpan.FromSeconds(40);
            options.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(40);
        });

        // Warm up every route (JIT, MVC, the connection pool) so no first call runs into the short AttemptTimeout.
        ImageServiceClient client = Setup.Client;
        ImageResponseBase image = await client.CreateImageAsync(FaultMatrixTests.Request("fm-warmup"));
        await client.GetOperationAsync(image.OperationId!);
        await foreach (ImageResponseBase _ in client.ListImagesAsync(new ImageListOptions { Name = "fm-warmup" }))
        {
        }

        await client.UpdateTagsAsync(image.Id!, new System.Collections.Generic.Dictionary<string, string> { ["warm"] = "up" });
        await client.DeleteImageAsync(image.Id!);
        using ClientHost warm = ClientHost.ForEmulator(Emulator, handlers: [() => new FaultInjectionHandler()]);
        await warm.Client.GetImageAsync("sklearn-model:1").ContinueWith(_ => { }, TaskScheduler.Default); // a 404, through the matrix's handler chain
    }

    public async Task DisposeAsync()
    {
        Setup.Dispose();
        await Emulator.DisposeAsync();
    }
}

/// <summary>
/// Every cell of <see cref="FaultMatrix.Expected"/> as a test: the fault hits the first attempt of one SDK call
/// against the emulator; the outcome, the number of attempts and the store (no duplicate image, no lost or doubled
/// update) must be exactly the documented ones. A policy change flips a cell and fails it.
/// </summary>
public sealed class FaultMatrixTests : IClassFixture<FaultMatrixFixture>
{
    private static int s_cell;
    private readonly FaultMatrixFixture _fixture;

    public FaultMatrixTests(FaultMatrixFixture fixture) => _fixture = fixture;

    private ImageServiceEmulator Emulator => _fixture.Emulator;

    public static IEnumerable<object[]> Cells => FaultMatrix.Cells;

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Operation_FaultOnFirstAttempt_HasTheDocumentedOutcome(string fault, MatrixOperation operation)
    {
        FaultCell expected = FaultMatrix.Find(fault, operation);
        string name = $"fm-{System.Threading.Interlocked.Increment(ref s_cell)}-{operation.ToString().ToLowerInvariant()}";
        ImageServiceClient setup = _fixture.Setup.Client;
        string? imageId = null;
        string? operationId = null;
        if (operation is MatrixOperation.Get or MatrixOperation.List or MatrixOperation.Patch or MatrixOperation.Delete)
        {
            imageId = (await setup.CreateImageAsync(Request(name))).Id!;
        }
        else if (operation == MatrixOperation.Poll)
        {
            operationId = (await setup.StartCreateImageAsync(Request(name))).Id;
        }

        using ClientHost host = ClientHost.ForEmulator(Emulator, Matrix, handlers: [() => new FaultInjectionHandler()]);
        var scope = new FaultScope(fault);
        var tags = new Dictionary<string, string> { ["cell"] = fault };
        Exception? error = null;
        var clock = Stopwatch.StartNew();
        FaultScope.Current = scope;
        try
        {
            switch (operation)
            {
                case MatrixOperation.Get:
                    Assert.Equal(imageId, (await host.Client.GetImageAsync(imageId!)).Id);
                    break;
                case MatrixOperation.List:
                    await foreach (ImageServicePage<ImageResponseBase> page in host.Client.ListImagesAsync(new ImageListOptions { Name = name }).AsPages())
                    {
                        Assert.Equal(imageId, Assert.Single(page.Values).Id);
                        break;
                    }

                    break;
                case MatrixOperation.Create:
                    await host.Client.StartCreateImageAsync(Request(name));
                    break;
                case MatrixOperation.Poll:
                    Assert.Equal(operationId, (await host.Client.GetOperationAsync(operationId!)).Id);
                    break;
                case MatrixOperation.Patch:
                    Assert.Equal("cell", Assert.Single((await host.Client.UpdateTagsAsync(imageId!, tags)).KvTags!).Key);
                    break;
                case MatrixOperation.Delete:
                    await host.Client.DeleteImageAsync(imageId!);
                    break;
            }
        }
#pragma warning disable CA1031 // any exception is an outcome to compare with the table
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }
        finally
        {
            FaultScope.Current = null;
        }

        clock.Stop();
        string observed = $"{fault} x {operation}: {(error is null ? "succeeded" : error.GetType().Name + ": " + error.Message)} after {scope.Attempts.Count} attempt(s)";
        Figures.Add("faults", "faultsInjected", 1);
        Figures.Add("faults", "attempts", scope.Attempts.Count);
        Figures.Add("faults", "duplicates", operation == MatrixOperation.Create ? Math.Max(0, Emulator.CountImages(name) - 1) : 0);

        // Outcome: exactly the documented one, and only ever our typed exception.
        if (expected.Outcome == MatrixOutcome.Succeeds)
        {
            Assert.True(error is null, observed);
        }
        else
        {
            var typed = Assert.IsType<ImageServiceException>(error);
            Assert.Equal(Assert.Single(scope.ClientRequestIds), typed.ClientRequestId);
        }

        Assert.True(expected.Attempts == scope.Attempts.Count, $"expected {expected.Attempts} attempt(s); {observed}");
        Assert.Single(scope.ClientRequestIds); // one id across retries

        // The store: no duplicate image, no lost or doubled update.
        switch (operation)
        {
            case MatrixOperation.Create:
                Assert.True((expected.Changed ? 1 : 0) == Emulator.CountImages(name), $"{Emulator.CountImages(name)} image(s) named {name}; {observed}");
                break;
            case MatrixOperation.Patch:
                EmulatedImage image = Emulator.GetImage(imageId!)!;
                Assert.Equal(expected.Changed ? 2 : 1, image.TagHistory.Count); // the create, then at most one patch
                Assert.Equal(expected.Changed ? "cell" : "team", Assert.Single(image.KvTags).Key);
                break;
            case MatrixOperation.Delete:
                Assert.Null(Emulator.GetImage(imageId!));
                break;
            case MatrixOperation.Poll:
                Assert.Contains(Emulator.Operations, o => o.Id == operationId);
                Assert.Equal(1, Emulator.CountImages(name)); // polling created nothing
                break;
            default:
                Assert.NotNull(Emulator.GetImage(imageId!)); // reads change nothing
                break;
        }

        Figures.Add("faults", "cellsPassed", 1);
        Figures.Set("faults", "cellsTotal", FaultMatrix.Expected.Count);
    }

    /// <summary>
    /// The matrix's client: an attempt timeout short enough that the latency fault's stall costs a few seconds per cell,
    /// long enough that an answered attempt on a loaded machine never reaches it (one second did, and a 503 cell failed).
    /// </summary>
    internal static void Matrix(ImageServiceClientOptions options)
    {
        options.AttemptTimeout = TimeSpan.FromSeconds(5);
        options.TotalRequestTimeout = TimeSpan.FromSeconds(60);
        options.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(60);
    }

    [Fact]
    public void Expected_CoversEveryFaultAndOperationOnce()
    {
        var cells = FaultMatrix.Expected.Select(c => (c.Fault, c.Operation)).ToList();

        Assert.Equal(FaultMatrix.Faults.Length * Enum.GetValues<MatrixOperation>().Length, cells.Count);
        Assert.Equal(cells.Count, cells.Distinct().Count());
    }

    [Fact]
    public void Readme_ReliabilitySection_ShowsTheSameTable()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);

        Assert.Contains("## Reliability", readme, StringComparison.Ordinal);
        Assert.True(readme.Contains(FaultMatrix.ToMarkdown(), StringComparison.Ordinal), "README.md's Reliability table differs from FaultMatrix.Expected; paste:\n" + FaultMatrix.ToMarkdown());
    }

    internal static DockerImageRequest Request(string name) => new()
    {
        Name = name,
        ImageFlavor = ImageFlavor.WebApiContainer,
        ModelIds = ["sklearn-model:1"],
        KvTags = new Dictionary<string, string> { ["team"] = "reliability" },
    };
}
