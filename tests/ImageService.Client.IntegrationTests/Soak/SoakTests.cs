using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Diagnostics;
using ImageService.Client.IntegrationTests.TestSupport;
using ImageService.Emulator;

namespace ImageService.Client.IntegrationTests.Soak;

/// <summary>
/// 2,000 mixed operations, 8 at a time, against the emulator answering 20% of requests with 429 or 503 (faults every
/// method's policy retries): the caller must see no failure, the store no duplicate image and no lost tag update. The
/// run is bounded by its operation count and by a deadline, and reports its throughput and the retries it took.
/// </summary>
public sealed class SoakTests
{
    private const int Operations = 2_000;
    private const int Parallelism = 8;
    private const double FaultRate = 0.20;
    private static readonly TimeSpan s_deadline = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task MixedOperations_TwentyPercentTransientFaults_NothingFailsDuplicatesOrIsLost()
    {
        await using ImageServiceEmulator emulator = await ImageServiceEmulator.StartAsync(new EmulatorOptions
        {
            BuildStepDuration = TimeSpan.FromMilliseconds(10),

            // The fault counts below read the request log: keep all of this run's requests (about 7,000), not the default window.
            RequestLogCapacity = 100_000,
            Faults =
            {
                Seed = 20261128,
                ThrottleRetryAfter = TimeSpan.FromMilliseconds(5),
                Rates = { ["429"] = FaultRate / 2, ["503"] = FaultRate / 2 },
            },
        });
        using ClientHost host = ClientHost.ForEmulator(emulator, options =>
        {
            // 20% per attempt: eleven attempts leave a call failing with a chance of 2e-8, and the breaker's 50% ratio
            // is out of the fault rate's reach; both are the documented knobs, not a test-only shortcut.
            options.MaxRetryAttempts = ImageServiceClientOptions.MaxRetryAttemptsLimit;
            options.AttemptTimeout = TimeSpan.FromSeconds(10);
            options.TotalRequestTimeout = TimeSpan.FromSeconds(60);
            options.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(20);
        });
        using var retries = new RetryCounter();
        using var deadline = new CancellationTokenSource(s_deadline);

        var workers = Enumerable.Range(0, Parallelism).Select(i => new Worker(i, host.Client, Operations / Parallelism)).ToArray();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(workers.Select(w => w.RunAsync(deadline.Token)));
        clock.Stop();

        int completed = workers.Sum(w => w.Completed);
        var failures = workers.SelectMany(w => w.Failures).ToList();
        int duplicates = workers.SelectMany(w => w.Created).Sum(name => Math.Max(0, emulator.CountImages(name) - 1));
        int lostUpdates = workers.SelectMany(w => w.ExpectedTags).Count(expected =>
            emulator.GetImage(expected.Key) is not { } image || !SameTags(expected.Value, image.KvTags));
        int faultsInjected = emulator.Requests.Count(r => r.StatusCode is 429 or 503);
        double opsPerSecond = completed / clock.Elapsed.TotalSeconds;

        Figures.Set("soak", "operations", completed);
        Figures.Set("soak", "parallelism", Parallelism);
        Figures.Set("soak", "seconds", Math.Round(clock.Elapsed.TotalSeconds, 1));
        Figures.Set("soak", "opsPerSecond", Math.Round(opsPerSecond, 1));
        Figures.Set("soak", "httpRequests", emulator.Requests.Count);
        Figures.Set("soak", "faultsInjected", faultsInjected);
        Figures.Set("soak", "retries", retries.Total);
        Figures.Set("soak", "callerFailures", failures.Count);
        Figures.Set("soak", "duplicates", duplicates);
        Figures.Set("soak", "lostUpdates", lostUpdates);

        Assert.Equal(emulator.RequestCount, emulator.Requests.Count); // the log kept every request the counts above read
        Assert.Empty(failures);
        Assert.Equal(Operations, completed);
        Assert.Equal(0, duplicates);
        Assert.Equal(0, lostUpdates);
        Assert.InRange(faultsInjected, emulator.Requests.Count / 10, emulator.Requests.Count * 3 / 10);
        Assert.True(retries.Total >= faultsInjected, $"{faultsInjected} faults were injected but only {retries.Total} retries counted");
    }

    private static bool SameTags(IReadOnlyDictionary<string, string> expected, IReadOnlyDictionary<string, string> actual) =>
        expected.Count == actual.Count && expected.All(tag => actual.TryGetValue(tag.Key, out string? value) && value == tag.Value);

    /// <summary>One of the eight callers: it owns the images it creates, so its tag updates never race another's.</summary>
    private sealed class Worker(int index, ImageServiceClient client, int operations)
    {
        private readonly Random _random = new(index);
        private readonly List<string> _images = [];
        private readonly Dictionary<string, string> _operations = [];

        public int Completed { get; private set; }

        public List<string> Created { get; } = [];

        public List<string> Failures { get; } = [];

        public Dictionary<string, Dictionary<string, string>> ExpectedTags { get; } = [];

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            for (int i = 0; i < operations; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string kind = _images.Count == 0 ? "create" : Pick(_random.Next(100));
                try
                {
                    await RunOneAsync(kind, i, cancellationToken);
                    Completed++;
                }
                catch (ImageServiceException ex)
                {
                    Failures.Add($"{kind}: {ex.Message}");
                }
            }
        }

        private static string Pick(int roll) => roll switch
        {
            < 10 => "create",
            < 35 => "get",
            < 55 => "list",
            < 70 => "tag",
            < 80 => "untag",
            < 90 => "poll",
            _ => "delete",
        };

        private async Task RunOneAsync(string kind, int step, CancellationToken cancellationToken)
        {
            string image = _images.Count > 0 ? _images[_random.Next(_images.Count)] : string.Empty;
            switch (kind)
            {
                case "create":
                    string name = $"soak-{index}-{step}";
                    Created.Add(name);
                    ImageResponseBase created = await client.CreateImageAsync(
                        new DockerImageRequest { Name = name, ImageFlavor = ImageFlavor.WebApiContainer, KvTags = new Dictionary<string, string> { ["worker"] = $"{index}" } },
                        cancellationToken);
                    _images.Add(created.Id!);
                    _operations[created.Id!] = created.OperationId!;
                    ExpectedTags[created.Id!] = new Dictionary<string, string> { ["worker"] = $"{index}" };
                    break;
                case "get":
                    Check((await client.GetImageAsync(image, cancellationToken)).Id == image, "get returned another image");
                    break;
                case "list":
                    var filter = new ImageListOptions { PageSize = 5 };
                    filter.Tags["worker"] = $"{index}";
                    await foreach (ImageServicePage<ImageResponseBase> page in client.ListImagesAsync(filter, cancellationToken).AsPages())
                    {
                        Check(page.Values.All(i => i.KvTags?["worker"] == $"{index}"), "list returned another worker's image");
                        break;
                    }

                    break;
                case "tag":
                    string key = $"k{_random.Next(5)}", value = $"v{step}";
                    await client.AddTagsAsync(image, new Dictionary<string, string> { [key] = value }, cancellationToken);
                    ExpectedTags[image][key] = value;
                    break;
                case "untag":
                    string removed = $"k{_random.Next(5)}";
                    await client.RemoveTagsAsync(image, [removed], cancellationToken);
                    ExpectedTags[image].Remove(removed);
                    break;
                case "poll":
                    AsyncOperationStatus status = await client.GetOperationAsync(_operations[image], cancellationToken);
                    Check(status.State == AsyncOperationState.Succeeded, $"operation of {image} is {status.State}");
                    break;
                case "delete":
                    Check(await client.DeleteImageAsync(image, cancellationToken), $"{image} was already gone");
                    _images.Remove(image);
                    ExpectedTags.Remove(image);
                    break;
            }
        }

        private void Check(bool condition, string failure)
        {
            if (!condition)
            {
                Failures.Add(failure);
            }
        }
    }

    /// <summary>Counts the client's retries through its public Meter, as an application's metrics pipeline would.</summary>
    private sealed class RetryCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public RetryCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ImageServiceDiagnostics.SourceName && instrument.Name == ImageServiceDiagnostics.RetryCountMetric)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, measurement, _, _) => Interlocked.Add(ref _total, measurement));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
