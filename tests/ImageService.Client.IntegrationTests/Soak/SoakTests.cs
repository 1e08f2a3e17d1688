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
/// 2,000 mixed operations, 8 at a time, against the emulator failing 20% of requests: 429 and 503, which the service
/// answers before acting, and 500-after and drop-after, where it acts and then fails the answer. Every method's policy
/// retries the first two; a 500-after or drop-after on a create (POST) or a tag change (PATCH) surfaces as an error the
/// caller cannot tell from "not applied", because resending could apply it twice. So the figures are measured where they
/// could be non-zero:
/// <list type="bullet">
/// <item><c>duplicates</c>: images in the store beyond the first with the name of one create call. A client that resent a
/// create the service had already acted on (after a 500-after or drop-after on the POST) makes it non-zero.</item>
/// <item><c>lostUpdates</c>: images whose final tags contradict what the caller knows: a tag change the service
/// acknowledged that is not there, or a value no call ever sent. A change whose call failed after the service acted may
/// or may not be there.</item>
/// <item><c>ambiguousWrites</c>: create and tag calls that failed with a 500 or a dropped connection, which here only a
/// fault after acting causes; it must be above zero, or the run did not test what the two figures above are about. Every
/// such create must have landed exactly once (<c>ambiguousCreatesLanded</c>).</item>
/// </list>
/// Every other call must succeed. The run is bounded by its operation count and by a deadline, and reports its
/// throughput and the retries it took.
/// </summary>
public sealed class SoakTests
{
    private const int Operations = 2_000;
    private const int Parallelism = 8;
    private const double FaultRate = 0.20;
    private static readonly TimeSpan s_deadline = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task MixedOperations_TwentyPercentFaultsBeforeAndAfterActing_NothingDuplicatedOrLost()
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
                Rates = { ["429"] = FaultRate / 4, ["503"] = FaultRate / 4, ["500-after"] = FaultRate / 4, ["drop-after"] = FaultRate / 4 },
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
        int ambiguousWrites = workers.Sum(w => w.AmbiguousWrites);
        int duplicates = workers.SelectMany(w => w.Created).Sum(name => Math.Max(0, emulator.CountImages(name) - 1));
        int ambiguousCreates = workers.Sum(w => w.AmbiguousCreates.Count);
        int ambiguousCreatesLanded = workers.SelectMany(w => w.AmbiguousCreates).Count(name => emulator.CountImages(name) > 0);
        int lostUpdates = workers.SelectMany(w => w.KnownTags).Count(known =>
            emulator.GetImage(known.Key) is not { } image || !Consistent(known.Value, image.KvTags));
        IReadOnlyList<RecordedRequest> log = emulator.Requests;
        // The log shows a drop-after with the status the service had set (the connection is cut after it acted), so this
        // counts the 429, 503 and 500-after answers (and the odd connection logged as dropped), not the drop-afters.
        int faultsInjected = log.Count(r => r.StatusCode is 429 or 503 or 500 or 0);
        int faultsRetriedByPolicy = log.Count(r => r.StatusCode is 429 or 503 || (r.StatusCode is 500 or 0 && r.Method is "GET" or "DELETE"));
        double opsPerSecond = completed / clock.Elapsed.TotalSeconds;

        Figures.Set("soak", "operations", completed);
        Figures.Set("soak", "parallelism", Parallelism);
        Figures.Set("soak", "seconds", Math.Round(clock.Elapsed.TotalSeconds, 1));
        Figures.Set("soak", "opsPerSecond", Math.Round(opsPerSecond, 1));
        Figures.Set("soak", "httpRequests", log.Count);
        Figures.Set("soak", "faultsInjected", faultsInjected);
        Figures.Set("soak", "retries", retries.Total);
        Figures.Set("soak", "callerFailures", failures.Count);
        Figures.Set("soak", "ambiguousWrites", ambiguousWrites);
        Figures.Set("soak", "ambiguousCreates", ambiguousCreates);
        Figures.Set("soak", "ambiguousCreatesLanded", ambiguousCreatesLanded);
        Figures.Set("soak", "deletesFoundGone", workers.Sum(w => w.DeletesFoundGone));
        Figures.Set("soak", "duplicates", duplicates);
        Figures.Set("soak", "lostUpdates", lostUpdates);

        Assert.Equal(emulator.RequestCount, log.Count); // the log kept every request the counts above read
        Assert.Empty(failures);
        Assert.Equal(Operations, completed + ambiguousWrites);
        Assert.True(ambiguousWrites > 0, "No create or tag call failed after the service acted: the run did not test duplicates and lost updates.");
        // Only faults after acting can fail a write here (429 and 503 are retried), so every create that failed landed, once.
        Assert.Equal(ambiguousCreates, ambiguousCreatesLanded);
        Assert.Equal(0, duplicates);
        Assert.Equal(0, lostUpdates);
        Assert.InRange(faultsInjected, log.Count / 10, log.Count * 3 / 10);
        Assert.True(retries.Total >= faultsRetriedByPolicy, $"{faultsRetriedByPolicy} faults the policy retries were injected but only {retries.Total} retries counted");
    }

    /// <summary>Every tag the image has, and every tag it lacks, is one the caller's calls allow (null: absent).</summary>
    private static bool Consistent(IReadOnlyDictionary<string, HashSet<string?>> allowed, IReadOnlyDictionary<string, string> actual) =>
        actual.All(tag => allowed.TryGetValue(tag.Key, out HashSet<string?>? values) && values.Contains(tag.Value))
        && allowed.Where(a => !actual.ContainsKey(a.Key)).All(a => a.Value.Contains(null));

    /// <summary>One of the eight callers: it owns the images it creates, so its tag updates never race another's.</summary>
    private sealed class Worker(int index, ImageServiceClient client, int operations)
    {
        private readonly Random _random = new(index);
        private readonly List<string> _images = [];
        private readonly Dictionary<string, string> _operations = [];

        public int Completed { get; private set; }

        public List<string> Created { get; } = [];

        public List<string> Failures { get; } = [];

        /// <summary>Create and tag calls that failed after the service may have acted (a 500-after or drop-after answer).</summary>
        public int AmbiguousWrites { get; private set; }

        /// <summary>The names of creates that failed that way: the image may exist, once.</summary>
        public List<string> AmbiguousCreates { get; } = [];

        public int DeletesFoundGone { get; private set; }

        /// <summary>Per image and tag key, the values the caller's calls allow (null: absent).</summary>
        public Dictionary<string, Dictionary<string, HashSet<string?>>> KnownTags { get; } = [];

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
                catch (ImageServiceException ex) when (kind is "create" or "tag" or "untag" && ex.Status is 500 or 0)
                {
                    // Not resent by the client (it cannot know whether the service acted): the caller's to reconcile.
                    AmbiguousWrites++;
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
                    ImageResponseBase created;
                    try
                    {
                        created = await client.CreateImageAsync(
                            new DockerImageRequest { Name = name, ImageFlavor = ImageFlavor.WebApiContainer, KvTags = new Dictionary<string, string> { ["worker"] = $"{index}" } },
                            cancellationToken);
                    }
                    catch (ImageServiceException)
                    {
                        AmbiguousCreates.Add(name);
                        throw;
                    }

                    _images.Add(created.Id!);
                    _operations[created.Id!] = created.OperationId!;
                    KnownTags[created.Id!] = new Dictionary<string, HashSet<string?>> { ["worker"] = [$"{index}"] };
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
                    await Write(image, key, value, () => client.AddTagsAsync(image, new Dictionary<string, string> { [key] = value }, cancellationToken));
                    break;
                case "untag":
                    string removed = $"k{_random.Next(5)}";
                    await Write(image, removed, null, () => client.RemoveTagsAsync(image, [removed], cancellationToken));
                    break;
                case "poll":
                    AsyncOperationStatus status = await client.GetOperationAsync(_operations[image], cancellationToken);
                    Check(status.State == AsyncOperationState.Succeeded, $"operation of {image} is {status.State}");
                    break;
                case "delete":
                    // false: a retry found it gone, after a 500-after or drop-after on the first DELETE (the image is gone either way).
                    DeletesFoundGone += await client.DeleteImageAsync(image, cancellationToken) ? 0 : 1;
                    _images.Remove(image);
                    KnownTags.Remove(image);
                    break;
            }
        }

        /// <summary>A tag change: acknowledged, the key holds <paramref name="value"/>; failed, it holds that or what it held.</summary>
        private async Task Write(string image, string key, string? value, Func<Task> call)
        {
            Dictionary<string, HashSet<string?>> tags = KnownTags[image];
            try
            {
                await call();
                tags[key] = [value];
            }
            catch (ImageServiceException)
            {
                tags[key] = tags.TryGetValue(key, out HashSet<string?>? before) ? [.. before, value] : [null, value];
                throw;
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
