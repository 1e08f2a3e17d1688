using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace ImageService.Client.Diagnostics;

/// <summary>The names under which the client reports traces and metrics (subscribe with OpenTelemetry by these names).</summary>
public static class ImageServiceDiagnostics
{
    /// <summary>The name of the client's <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string SourceName = "ImageService.Client";

    /// <summary>The histogram of HTTP call durations, in seconds (retries included).</summary>
    public const string RequestDurationMetric = "imageservice.client.request.duration";

    /// <summary>The counter of retried HTTP attempts.</summary>
    public const string RetryCountMetric = "imageservice.client.request.retries";

    /// <summary>The histogram of long-running operation durations, in seconds (start to final state).</summary>
    public const string OperationDurationMetric = "imageservice.client.operation.duration";

    internal static readonly string Version =
        typeof(ImageServiceDiagnostics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    internal static readonly ActivitySource ActivitySource = new(SourceName, Version);

    internal static readonly Meter Meter = new(SourceName, Version);

    internal static readonly Histogram<double> RequestDuration =
        Meter.CreateHistogram<double>(RequestDurationMetric, unit: "s", description: "Duration of HTTP calls to the image service, retries included.");

    internal static readonly Counter<long> Retries =
        Meter.CreateCounter<long>(RetryCountMetric, unit: "{retry}", description: "HTTP attempts retried by the client.");

    internal static readonly Histogram<double> OperationDuration =
        Meter.CreateHistogram<double>(OperationDurationMetric, unit: "s", description: "Duration of long-running operations, from the first poll to the final state.");

    internal static Activity? StartActivity(string operationName, string? imageId)
    {
        if (!ActivitySource.HasListeners())
        {
            return null; // before building the name: most processes have no tracing listener
        }

        Activity? activity = ActivitySource.StartActivity("ImageService." + operationName, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("imageservice.operation", operationName);
            if (imageId is not null)
            {
                activity.SetTag("imageservice.image_id", imageId);
            }
        }

        return activity;
    }

    internal static void RecordFailure(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        activity.SetTag("error.type", exception.GetType().FullName);
        if (exception is ImageServiceException { Status: not 0 } ise)
        {
            activity.SetTag("http.response.status_code", ise.Status);
        }
    }
}
