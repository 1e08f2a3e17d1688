using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;
using ImageService.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ImageService.Client.IntegrationTests.Diagnostics;

/// <summary>
/// What a new user sees: a host from <c>Host.CreateApplicationBuilder</c> with its default logging (Information and
/// above), the client registered the documented way, running the quickstart's steps against the emulator. Every
/// record the host would write is captured, whatever its category.
/// </summary>
public sealed class DefaultHostLoggingTests
{
    [Fact]
    public async Task DefaultHost_QuickstartSteps_AtMostOneInformationLinePerCallAndNoWarning()
    {
        await using ImageServiceEmulator emulator = await ImageServiceEmulator.StartAsync(new EmulatorOptions { BuildStepDuration = TimeSpan.FromMilliseconds(20) });
        using var logs = new FakeLoggerProvider();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders(); // the console provider would only echo; the filter rules stay the host's defaults
        builder.Logging.AddProvider(logs);
        builder.Services.AddImageServiceClient(options =>
        {
            ClientHost.UseEmulator(options, emulator);
            options.PollingInterval = TimeSpan.FromMilliseconds(20);
        });
        using IHost host = builder.Build();
        ImageServiceClient client = host.Services.GetRequiredService<ImageServiceClient>();
        string runTag = Guid.NewGuid().ToString("N")[..8];
        var perCall = new List<(string Call, int Information, int Warnings)>();

        async Task<T> Step<T>(string call, Func<Task<T>> action)
        {
            int before = logs.Collector.Count;
            T result = await action();
            IReadOnlyList<FakeLogRecord> records = logs.Collector.GetSnapshot().Skip(before).ToList();
            perCall.Add((call, records.Count(r => r.Level == LogLevel.Information), records.Count(r => r.Level >= LogLevel.Warning)));
            return result;
        }

        // The quickstart's six steps (samples/Quickstart): create and wait, two more versions, list by tag over pages,
        // add a tag, read back, delete all three.
        CreateImageOperation operation = await Step("StartCreateImage", () => client.StartCreateImageAsync(Request(runTag)));
        ImageResponseBase image = await Step("WaitForCompletion", () => operation.WaitForCompletionAsync());
        ImageResponseBase second = await Step("CreateImage", () => client.CreateImageAsync(Request(runTag)));
        ImageResponseBase third = await Step("CreateImage", () => client.CreateImageAsync(Request(runTag)));
        var filter = new ImageListOptions { PageSize = 2 };
        filter.Tags["sample"] = runTag;
        List<ImageResponseBase> listed = await Step("ListImages", async () => await client.ListImagesAsync(filter).ToListAsync());
        await Step("AddTags", () => client.AddTagsAsync(image.Id!, new Dictionary<string, string> { ["stage"] = "approved" }));
        ImageResponseBase readBack = await Step("GetImage", () => client.GetImageAsync(image.Id!));
        foreach (string id in new[] { image.Id!, second.Id!, third.Id! })
        {
            await Step("DeleteImage", () => client.DeleteImageAsync(id));
        }

        Figures.Set("telemetry", "quickstartCalls", perCall.Count);
        Figures.Set("telemetry", "quickstartInformationLines", perCall.Sum(c => c.Information));
        Assert.Equal(3, listed.Count);
        Assert.Equal("approved", readBack.KvTags!["stage"]);
        Assert.Equal(10, perCall.Count);
        Assert.All(perCall, c => Assert.True(c.Information <= 1, $"{c.Call} wrote {c.Information} Information lines"));
        Assert.All(perCall, c => Assert.True(c.Warnings == 0, $"{c.Call} wrote {c.Warnings} warnings on a clean run"));
    }

    private static DockerImageRequest Request(string runTag) => new()
    {
        Name = "quiet-host",
        ImageFlavor = ImageFlavor.WebApiContainer,
        KvTags = new Dictionary<string, string> { ["sample"] = runTag },
    };
}
