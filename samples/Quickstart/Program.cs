// The quickstart: the whole image lifecycle — create with live build progress, list by tag across pages, update tags,
// read back, delete — against the service or emulator it is pointed at (--endpoint, --token, ...; see
// QuickstartSettings), else against an emulator it starts in process.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Identity;
using ImageService.Client;
using ImageService.Emulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace ImageService.Samples.Quickstart;

internal static class Program
{
    private const string SampleTag = "sample";

    public static async Task<int> Main(string[] args)
    {
        QuickstartSettings settings = QuickstartSettings.Read(args, Environment.GetEnvironmentVariables(), out string? settingsError);
        if (settingsError is not null)
        {
            return Fail(settingsError);
        }

        if (settings.Help)
        {
            Console.WriteLine(QuickstartSettings.Usage);
            Console.WriteLine($"With no endpoint it runs against an emulator it starts in process. Settings: {QuickstartSettings.Names()}.");
            return 0;
        }

        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Redirected to a file or a CI log: do not wrap lines at the default 80 columns.
            AnsiConsole.Profile.Width = 200;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        var options = new ImageServiceClientOptions();
        try
        {
            settings.Configuration.GetSection("ImageService").Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // A value that does not convert (an endpoint that is not a URL, ...): the binder names the key.
            return Fail($"A setting has a value of the wrong form: {ex.GetBaseException().Message} ({QuickstartSettings.Names()})");
        }

        ImageServiceEmulator? emulator = null;
        try
        {
            string target;
            if (options.Endpoint is null || settings.UseEmulator)
            {
                // The embedded emulator logs warnings only (EmulatorOptions.LogLevel's default): the output stays the quickstart's.
                emulator = await ImageServiceEmulator.StartAsync(cancellationToken: cancellation.Token);
                UseEmulator(options, emulator.BaseAddress, emulator.AccessToken, emulator.Options);
                target = $"No endpoint configured: using the local emulator at {emulator.BaseAddress}. Another service or emulator: {QuickstartSettings.Names()}.";
            }
            else if (settings.Token is { } token)
            {
                // A standalone emulator (imageservice-emulator) or a service that takes a fixed token: the workspace is
                // the emulator's unless one is configured.
                UseEmulator(options, options.Endpoint, token, workspace: null);
                target = $"Using the image service at {options.Endpoint} with the given token, workspace {options.SubscriptionId}/{options.ResourceGroup}/{options.Workspace}";
            }
            else
            {
                if (MissingWorkspaceSetting(options) is { } missing)
                {
                    return Fail(QuickstartSettings.Missing(missing, options.Endpoint));
                }

                options.Credential = new DefaultAzureCredential();
                target = $"Using the image service at {options.Endpoint}";
            }

            var client = new ImageServiceClient(options); // validates the options: a bad one ends here, in one line
            AnsiConsole.MarkupLineInterpolated($"[grey]{target}[/]");
            var summary = await RunLifecycleAsync(client, cancellation.Token);
            WriteSummary(summary);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            return Fail(QuickstartSettings.Explain(ex.Failures.First()));
        }
        catch (ImageServiceException ex)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The image service refused the request:[/] {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            AnsiConsole.MarkupLine("[yellow]Cancelled.[/]");
            return 130;
        }
        finally
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }
        }
    }

    /// <summary>A configuration problem: one line on stderr that says what to pass, and exit code 2.</summary>
    private static int Fail(string message)
    {
        Console.Error.WriteLine($"Quickstart: {message}");
        return 2;
    }

    private static string? MissingWorkspaceSetting(ImageServiceClientOptions options) =>
        options.SubscriptionId is null ? "SubscriptionId" : options.ResourceGroup is null ? "ResourceGroup" : options.Workspace is null ? "Workspace" : null;

    /// <summary>
    /// An emulator's endpoint and token. Its workspace: the embedded emulator's (<paramref name="workspace"/>), else the
    /// configured one, else a standalone emulator's default.
    /// </summary>
    private static void UseEmulator(ImageServiceClientOptions options, Uri endpoint, string token, EmulatorOptions? workspace)
    {
        var defaults = new EmulatorOptions();
        options.Endpoint = endpoint;
        options.SubscriptionId = workspace?.SubscriptionId ?? options.SubscriptionId ?? defaults.SubscriptionId;
        options.ResourceGroup = workspace?.ResourceGroup ?? options.ResourceGroup ?? defaults.ResourceGroup;
        options.Workspace = workspace?.Workspace ?? options.Workspace ?? defaults.Workspace;
        // An emulator accepts one fixed token; a real service gets DefaultAzureCredential instead.
        options.Credential = DelegatedTokenCredential.Create((_, _) => new AccessToken(token, DateTimeOffset.MaxValue));
    }

    private static async Task<LifecycleSummary> RunLifecycleAsync(ImageServiceClient client, CancellationToken cancellationToken)
    {
        var summary = new LifecycleSummary();
        string runTag = Guid.NewGuid().ToString("N")[..8];

        AnsiConsole.MarkupLine("[bold][[create]][/] Building image [blue]quickstart-demo[/]…");
        var stopwatch = Stopwatch.StartNew();
        ImageResponseBase image = await CreateWithLiveProgressAsync(client, NewImageRequest(runTag), cancellationToken);
        summary.Add("create", $"{image.Id} built ({image.CreationState})", stopwatch.Elapsed);

        // Two more versions of the same image, so that the listing below spans pages.
        stopwatch.Restart();
        ImageResponseBase[] more = await Task.WhenAll(
            client.CreateImageAsync(NewImageRequest(runTag), cancellationToken),
            client.CreateImageAsync(NewImageRequest(runTag), cancellationToken));
        AnsiConsole.MarkupLineInterpolated($"[bold][[create]][/] Built {more.Length} more versions: {string.Join(", ", more.Select(i => i.Id))}");
        summary.Add("create", $"{more.Length} more versions", stopwatch.Elapsed);

        stopwatch.Restart();
        (int pages, List<string> listed) = await ListByTagAsync(client, runTag, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[bold][[list]][/] {listed.Count} images tagged {SampleTag}={runTag}, over {pages} pages: {string.Join(", ", listed)}");
        summary.Add("list", $"{listed.Count} images in {pages} pages", stopwatch.Elapsed);

        stopwatch.Restart();
        #region Snippet:UpdateTags
        ImageResponseBase tagged = await client.AddTagsAsync(
            image.Id!,
            new Dictionary<string, string> { ["stage"] = "approved" },
            cancellationToken);
        #endregion
        AnsiConsole.MarkupLineInterpolated($"[bold][[update]][/] Tags of {tagged.Id} are now {FormatTags(tagged.KvTags)}");
        summary.Add("update", "added tag stage=approved", stopwatch.Elapsed);

        stopwatch.Restart();
        #region Snippet:GetExpanded
        // Expand fills ModelDetails with the full records of the image's models (ModelIds alone otherwise).
        ImageResponseBase readBack = await client.GetImageAsync(image.Id!, new ImageGetOptions { Expand = true }, cancellationToken);
        #endregion
        string models = string.Join(", ", (readBack.ModelDetails ?? []).Select(m => $"{m.Name} ({m.Framework})"));
        AnsiConsole.MarkupLineInterpolated($"[bold][[get]][/] {readBack.Id}: {readBack.ImageFlavor} image at {readBack.ImageLocation}, tags {FormatTags(readBack.KvTags)}, models {models}");
        summary.Add("get", $"stage={(readBack.KvTags is { } readTags && readTags.TryGetValue("stage", out string? stage) ? stage : "(missing)")}", stopwatch.Elapsed);

        stopwatch.Restart();
        var profileRequest = new ProfileRequestBase
        {
            Name = "latency",
            InputData = """{"data": [[1.0, 2.0, 3.0, 4.0]]}""",
            KvTags = new Dictionary<string, string> { [SampleTag] = runTag },
        };
        CreateProfileOperation profiling = await client.StartCreateProfileAsync(image.Id!, profileRequest, cancellationToken);
        await profiling.WaitForCompletionAsync(cancellationToken: cancellationToken);
        List<ProfileResponse> profiles = await ListProfilesByTagAsync(client, image.Id!, runTag, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[bold][[profile]][/] {profiles.Count} profile(s) of {image.Id} tagged {SampleTag}={runTag}: {string.Join(", ", profiles.Select(p => $"{p.Name} ({p.State})"))}");
        summary.Add("profile", $"{profiles.Count} profile(s)", stopwatch.Elapsed);

        stopwatch.Restart();
        int deleted = 0;
        foreach (string id in more.Select(i => i.Id!).Prepend(image.Id!))
        {
            #region Snippet:DeleteImage
            bool existed = await client.DeleteImageAsync(id, cancellationToken);
            #endregion
            deleted += existed ? 1 : 0;
        }

        AnsiConsole.MarkupLineInterpolated($"[bold][[delete]][/] Deleted {deleted} images");
        summary.Add("delete", $"{deleted} images", stopwatch.Elapsed);
        return summary;
    }

    private static DockerImageRequest NewImageRequest(string runTag) => new()
    {
        Name = "quickstart-demo",
        Description = "Built by the ImageService quickstart",
        ImageFlavor = ImageFlavor.WebApiContainer,
        ImageType = ImageType.Docker,
        DriverProgram = "driver",
        Assets = [new ImageAsset { Id = "driver", MimeType = "application/x-python", Url = "aml://artifact/score.py" }],
        TargetRuntime = new TargetRuntime { RuntimeType = RuntimeType.Python, TargetArchitecture = TargetArchitecture.Amd64, OsType = OsType.Linux },
        ModelIds = ["sklearn-model:1"],
        KvTags = new Dictionary<string, string> { [SampleTag] = runTag },
    };

    private static async Task<ImageResponseBase> CreateWithLiveProgressAsync(ImageServiceClient client, DockerImageRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Redirected output (CI, a log file): state changes only, no spinner redraws.
            return await CreateAndWaitAsync(client, request, started, onTick: null, cancellationToken);
        }

        return await AnsiConsole.Status()
            .Spinner(Spinner.Known.Dots)
            .StartAsync("Submitting…", status => CreateAndWaitAsync(client, request, started, text => status.Status = text, cancellationToken));
    }

    private static async Task<ImageResponseBase> CreateAndWaitAsync(
        ImageServiceClient client, DockerImageRequest request, Stopwatch started, Action<string>? onTick, CancellationToken cancellationToken)
    {
        AsyncOperationState? lastState = null;
        void ShowState(string operationId, AsyncOperationState? state)
        {
            onTick?.Invoke($"{state} ({started.Elapsed.TotalSeconds:0.0} s)");
            if (state != lastState)
            {
                lastState = state;
                AnsiConsole.MarkupLineInterpolated($"         {started.Elapsed.TotalSeconds,5:0.0} s  operation {operationId}: {state}");
            }
        }

        #region Snippet:CreateAndWait
        CreateImageOperation operation = await client.StartCreateImageAsync(request, cancellationToken);

        // Progress reports every state the service goes through; the operation id alone is enough to resume later
        // (client.GetCreateImageOperation(operation.Id)), even from another process.
        var progress = new Progress<AsyncOperationStatus>(status => ShowState(operation.Id, status.State));
        ImageResponseBase built = await operation.WaitForCompletionAsync(progress, cancellationToken);
        #endregion
        return built;
    }

    private static async Task<(int Pages, List<string> Ids)> ListByTagAsync(ImageServiceClient client, string runTag, CancellationToken cancellationToken)
    {
        #region Snippet:ListByTag
        var filter = new ImageListOptions { PageSize = 2, OrderBy = ImageOrderBy.CreatedAtAsc };
        filter.Tags[SampleTag] = runTag;

        int pages = 0;
        var ids = new List<string>();
        await foreach (ImageServicePage<ImageResponseBase> page in client.ListImagesAsync(filter, cancellationToken).AsPages())
        {
            pages++;
            ids.AddRange(page.Values.Select(i => i.Id!));
            // page.ContinuationToken resumes the listing from here, later or in another process.
        }
        #endregion
        return (pages, ids);
    }

    private static async Task<List<ProfileResponse>> ListProfilesByTagAsync(ImageServiceClient client, string imageId, string runTag, CancellationToken cancellationToken)
    {
        #region Snippet:ListProfiles
        var profileFilter = new ProfileListOptions { Name = "latency", OrderBy = ImageOrderBy.CreatedAtDesc };
        profileFilter.Tags[SampleTag] = runTag;

        var profiles = new List<ProfileResponse>();
        await foreach (ProfileResponse profile in client.ListProfilesAsync(imageId, profileFilter, cancellationToken))
        {
            profiles.Add(profile);
        }
        #endregion
        return profiles;
    }

    private static string FormatTags(IDictionary<string, string>? tags) =>
        tags is null ? "{}" : "{" + string.Join(", ", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}")) + "}";

    private static void WriteSummary(LifecycleSummary summary)
    {
        var table = new Table().Title("Summary").AddColumn("Step").AddColumn("Result").AddColumn(new TableColumn("Time").RightAligned());
        foreach ((string step, string result, TimeSpan elapsed) in summary.Steps)
        {
            table.AddRow(Markup.Escape(step), Markup.Escape(result), $"{elapsed.TotalSeconds:0.00} s");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[green]Quickstart complete:[/] {summary.Steps.Count} steps in {summary.Total.TotalSeconds:0.00} s");
    }

    private sealed class LifecycleSummary
    {
        public List<(string Step, string Result, TimeSpan Elapsed)> Steps { get; } = [];

        public TimeSpan Total => Steps.Aggregate(TimeSpan.Zero, (total, step) => total + step.Elapsed);

        public void Add(string step, string result, TimeSpan elapsed) => Steps.Add((step, result, elapsed));
    }
}
