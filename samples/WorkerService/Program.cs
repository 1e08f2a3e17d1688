// A generic-host worker: the ImageService client registered from configuration, its options validated at start-up, and a
// hosted service that reports images whose build failed, with their build-log URIs.
using System;
using Azure.Core;
using Azure.Identity;
using ImageService.Client;
using ImageService.Samples.WorkerService;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);

#region Snippet:RegisterClient
// Endpoint, subscription, resource group, workspace, retries and timeouts come from the "ImageService" section
// (appsettings.json, environment variables such as ImageService__Endpoint, or --ImageService:Endpoint=...).
builder.Services
    .AddImageServiceClient(builder.Configuration.GetSection("ImageService"))
    .ConfigureHttpClient(http => http.DefaultRequestHeaders.Add("x-ms-client-session-id", Guid.NewGuid().ToString()));

// A credential cannot come from configuration; DefaultAzureCredential tries environment, managed identity, the Azure CLI, …
builder.Services.Configure<ImageServiceClientOptions>(options => options.Credential ??= new DefaultAzureCredential());
#endregion

// Against a local emulator (dotnet run --project src/ImageService.Emulator), pass --EmulatorToken=emulator-token.
if (builder.Configuration["EmulatorToken"] is { Length: > 0 } emulatorToken)
{
    builder.Services.PostConfigure<ImageServiceClientOptions>(options =>
        options.Credential = DelegatedTokenCredential.Create((_, _) => new AccessToken(emulatorToken, DateTimeOffset.MaxValue)));
}

builder.Services
    .AddOptions<FailedBuildReporterOptions>()
    .Bind(builder.Configuration.GetSection(FailedBuildReporterOptions.SectionName))
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddHostedService<FailedBuildReporter>();

// Bad options (a missing endpoint, a retry count of 50, an attempt timeout above the total timeout…) stop the host here,
// with a message that names the option and its value, instead of failing on the first request.
await builder.Build().RunAsync();
