using System;
using System.ComponentModel.DataAnnotations;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageService.Samples.WorkerService;

/// <summary>How often <see cref="FailedBuildReporter"/> looks for failed builds.</summary>
public sealed class FailedBuildReporterOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "FailedBuildReporter";

    /// <summary>Gets or sets the time between two scans.</summary>
    /// <value>The default value is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets whether to scan once and stop the host.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RunOnce { get; set; }
}

/// <summary>Lists the workspace's images and logs every one whose build failed, with its build log.</summary>
public sealed partial class FailedBuildReporter(
    ImageServiceClient client,
    IOptions<FailedBuildReporterOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<FailedBuildReporter> logger) : BackgroundService
{
    /// <summary>Gets a value indicating whether the last scan failed (with <c>--once</c>, the exit code says so).</summary>
    public bool LastScanFailed { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        do
        {
            try
            {
                await ReportFailedBuildsAsync(stoppingToken);
                LastScanFailed = false;
            }
            catch (ImageServiceException ex)
            {
                // Transient faults were already retried by the client's resilience pipeline; this one is worth a human's look.
                LogScanFailed(ex.Message);
                LastScanFailed = true;
            }

            if (options.Value.RunOnce)
            {
                lifetime.StopApplication();
                return;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ReportFailedBuildsAsync(CancellationToken cancellationToken)
    {
        int scanned = 0, failed = 0;
        await foreach (ImageResponseBase image in client.ListImagesAsync(new ImageListOptions { PageSize = 100 }, cancellationToken))
        {
            scanned++;
            if (image.CreationState == AsyncOperationState.Failed)
            {
                failed++;
                LogFailedBuild(image.Id, image.Error?.Message, image.ImageBuildLogUri);
            }
        }

        LogScanCompleted(scanned, failed);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Image {ImageId} failed to build. Build log: {BuildLogUri}. Reason: {Reason}")]
    private partial void LogFailedBuild(string? imageId, string? reason, string? buildLogUri);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Scanned {Scanned} images, {Failed} with a failed build")]
    private partial void LogScanCompleted(int scanned, int failed);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Scanning images failed: {Reason}")]
    private partial void LogScanFailed(string reason);
}
