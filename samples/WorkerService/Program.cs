// A generic-host worker: the ImageService client registered from configuration, its options validated at start-up, and a
// hosted service that reports images whose build failed, with their build-log URIs.
//
//   dotnet run --project samples/WorkerService -- --emulator --once
//
// --emulator starts the emulator in process, with two sample images (one whose build failed), and points the client at
// it; --once scans once and exits, with exit code 1 when the scan failed. Without --emulator, appsettings.json points at
// the standalone emulator (dotnet run --project src/ImageService.Emulator); for Azure, set the ImageService section to
// your workspace. Invalid settings print one line each and exit with code 2.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Identity;
using ImageService.Client;
using ImageService.Emulator;
using ImageService.Samples.WorkerService;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// The two switches are this sample's own; the rest of the command line is configuration (--ImageService:Endpoint=...).
bool useEmulator = args.Contains("--emulator");
bool once = args.Contains("--once");
HostApplicationBuilder builder = Host.CreateApplicationBuilder([.. args.Where(a => a is not ("--emulator" or "--once"))]);
if (once)
{
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["FailedBuildReporter:RunOnce"] = "true" });
}

#region Snippet:RegisterClient
// Endpoint, subscription, resource group, workspace, retries and timeouts come from the "ImageService" section
// (appsettings.json, environment variables such as ImageService__Endpoint, or --ImageService:Endpoint=...).
builder.Services
    .AddImageServiceClient(builder.Configuration.GetSection("ImageService"))
    .ConfigureHttpClient(http => http.DefaultRequestHeaders.Add("x-ms-client-session-id", Guid.NewGuid().ToString()));

// A credential cannot come from configuration; DefaultAzureCredential tries environment, managed identity, the Azure CLI, …
builder.Services.Configure<ImageServiceClientOptions>(options => options.Credential ??= new DefaultAzureCredential());
#endregion

// Against the standalone emulator, pass --EmulatorToken=emulator-token (or keep it in appsettings.json).
if (builder.Configuration["EmulatorToken"] is { Length: > 0 } emulatorToken)
{
    builder.Services.PostConfigure<ImageServiceClientOptions>(options => options.Credential = EmulatorCredential(emulatorToken));
}

await using ImageServiceEmulator? emulator = useEmulator ? await StartEmulatorWithSampleImagesAsync() : null;
if (emulator is not null)
{
    builder.Services.PostConfigure<ImageServiceClientOptions>(options => PointAt(options, emulator));
}

// One line per failed scan: the scan's own error line already says what the client's retries ended with, so the
// client's per-attempt warnings (a retry, a failed call) stay out of this worker's log. Lower this level to see every
// attempt. (The client's pipeline runs without Polly's telemetry, so Polly writes nothing here.)
builder.Logging.AddFilter("ImageService.Client", LogLevel.Error);

builder.Services
    .AddOptions<FailedBuildReporterOptions>()
    .Bind(builder.Configuration.GetSection(FailedBuildReporterOptions.SectionName))
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddSingleton<FailedBuildReporter>();
builder.Services.AddHostedService(services => services.GetRequiredService<FailedBuildReporter>());

using IHost host = builder.Build();
try
{
    // The checks ValidateOnStart registered, run before the host starts: bad options (a missing endpoint, a retry count
    // of 50, an attempt timeout above the total timeout…) are one line each, naming the option and its value, instead
    // of the host's error record and a stack trace.
    host.Services.GetService<IStartupValidator>()?.Validate();
}
catch (Exception ex) when (ConfigurationErrors(ex) is { Count: > 0 } errors)
{
    foreach (string error in errors)
    {
        Console.Error.WriteLine($"Invalid configuration: {error}");
    }

    return 2;
}

FailedBuildReporter reporter = host.Services.GetRequiredService<FailedBuildReporter>();
await host.RunAsync();
return reporter.LastScanFailed ? 1 : 0;

// What is wrong with the configuration: every failure of every options validation, or a value that does not bind
// (--ImageService:MaxRetryAttempts=many). Anything else is no configuration error and is rethrown.
static List<string> ConfigurationErrors(Exception exception) => exception switch
{
    OptionsValidationException validation => [.. validation.Failures],
    AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(ConfigurationErrors)],
    InvalidOperationException binding when binding.InnerException is ArgumentException or FormatException or OverflowException => [binding.Message],
    _ => [],
};

static TokenCredential EmulatorCredential(string token) =>
    DelegatedTokenCredential.Create((_, _) => new AccessToken(token, DateTimeOffset.MaxValue));

static void PointAt(ImageServiceClientOptions options, ImageServiceEmulator emulator)
{
    options.Endpoint = emulator.BaseAddress;
    options.SubscriptionId = emulator.SubscriptionId;
    options.ResourceGroup = emulator.ResourceGroup;
    options.Workspace = emulator.Workspace;
    options.Credential = EmulatorCredential(emulator.AccessToken);
}

// Something for the reporter to find: one image that built, one whose build failed.
static async Task<ImageServiceEmulator> StartEmulatorWithSampleImagesAsync()
{
    ImageServiceEmulator emulator = await ImageServiceEmulator.StartAsync();
    var options = new ImageServiceClientOptions();
    PointAt(options, emulator);
    var client = new ImageServiceClient(options);
    await client.CreateImageAsync(new DockerImageRequest { Name = "worker-sample" });
    try
    {
        // The emulator fails the build of an image tagged emulator.build=fail.
        await client.CreateImageAsync(new DockerImageRequest
        {
            Name = "worker-sample-broken",
            KvTags = new Dictionary<string, string> { ["emulator.build"] = "fail" },
        });
    }
    catch (ImageServiceException)
    {
        // Expected: that build fails.
    }

    return emulator;
}
