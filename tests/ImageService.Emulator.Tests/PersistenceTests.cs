using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests;

public sealed class PersistenceTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"emulator-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Restart_WithDataFile_KeepsImagesAndFinishesInFlightOperations()
    {
        string location;
        await using (var before = await Harness.StartAsync(o =>
        {
            o.DataFile = _file;
            o.BuildStepDuration = TimeSpan.FromHours(1); // the build cannot finish before the restart
        }))
        {
            using var failing = await before.CreateAsync("kept", ""","kvTags":{"emulator.build":"fail","team":"x"}""");
            Assert.Equal(HttpStatusCode.Accepted, failing.StatusCode);
            using var response = await before.CreateAsync("inflight", ""","modelIds":["onnx-resnet:2"]""");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            location = response.Headers.GetValues("Operation-Location").Single();
            Assert.Equal("NotStarted", (await before.GetJsonAsync(location))["state"]!.GetValue<string>());
        }

        await using var after = await Harness.StartAsync(o =>
        {
            o.DataFile = _file;
            o.BuildStepDuration = TimeSpan.FromMilliseconds(5);
        });
        string operationId = location[(location.LastIndexOf('/') + 1)..];
        var operation = await after.WaitAsync($"operations/{operationId}");
        Assert.Equal("Succeeded", operation["state"]!.GetValue<string>());
        Assert.Contains("resumed", operation["operationLog"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Succeeded", (await after.GetJsonAsync("images/inflight:1"))["creationState"]!.GetValue<string>());
        Assert.Equal(2, after.Emulator.Images.Count);
        Assert.Equal("x", after.Emulator.GetImage("kept:1")!.KvTags["team"]);
        var failed = await after.WaitAsync($"operations/{after.Emulator.GetImage("kept:1")!.OperationId}");
        Assert.Equal("Failed", failed["state"]!.GetValue<string>());
        Assert.Equal(3, (await after.GetJsonAsync("models"))["value"]!.AsArray().Count); // seeded once, not twice

        // The version counter survived too.
        var next = await after.CreateAndWaitAsync("inflight");
        Assert.EndsWith("inflight:2", next["resourceLocation"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (string file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }
}
