using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Emulator.Api;
using ImageService.Emulator.Contracts;
using ImageService.Emulator.Http;
using ImageService.Emulator.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageService.Emulator;

/// <summary>
/// A running image-service emulator on Kestrel. Start it with <see cref="StartAsync"/>, point a client at
/// <see cref="BaseAddress"/> with <see cref="AccessToken"/>, and dispose it to stop it.
/// </summary>
public sealed class ImageServiceEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorStore _store;
    private readonly CancellationTokenSource _pump = new();
    private readonly Task _pumpTask;

    private ImageServiceEmulator(WebApplication app, EmulatorStore store, EmulatorOptions options, Uri baseAddress)
    {
        _app = app;
        _store = store;
        Options = options;
        BaseAddress = baseAddress;
        _pumpTask = PumpAsync(_pump.Token);
    }

    /// <summary>The root URL of the emulator, for example <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The options it runs with.</summary>
    public EmulatorOptions Options { get; }

    /// <summary>The bearer token it accepts.</summary>
    public string AccessToken => Options.Token;

    /// <summary>The subscription id of the emulated workspace.</summary>
    public string SubscriptionId => Options.SubscriptionId;

    /// <summary>The resource group of the emulated workspace.</summary>
    public string ResourceGroup => Options.ResourceGroup;

    /// <summary>The name of the emulated workspace.</summary>
    public string Workspace => Options.Workspace;

    /// <summary>The absolute URL of the workspace: append <c>/images</c>, <c>/operations/{id}</c> or <c>/models</c>.</summary>
    public Uri WorkspaceUri => new(BaseAddress, RequestContext.WorkspacePrefix(SubscriptionId, ResourceGroup, Workspace).TrimStart('/'));

    /// <summary>A snapshot of every image.</summary>
    public IReadOnlyList<EmulatedImage> Images => [.. _store.Images().OrderBy(i => i.Sequence).Select(Snapshot)];

    /// <summary>A snapshot of every operation.</summary>
    public IReadOnlyList<EmulatedOperation> Operations =>
        [.. _store.Operations().Select(o => new EmulatedOperation(o.Id, o.OperationType, o.State, o.ResourceLocation))];

    /// <summary>Every request received so far, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _store.Requests();

    /// <summary>Starts an emulator (by default on 127.0.0.1 with a free port).</summary>
    /// <param name="options">The options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<ImageServiceEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ImageServiceEmulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.WebHost.UseKestrelCore().UseUrls(options.Url);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft", options.LogLevel < LogLevel.Warning ? LogLevel.Warning : options.LogLevel);

        var store = new EmulatorStore(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(store);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<RequestContext>();
        builder.Services.AddScoped<IImagesController, ImagesApi>();
        builder.Services.AddScoped<IOperationsController, OperationsApi>();
        builder.Services.AddScoped<IProfilesController, ProfilesApi>();
        builder.Services.AddSingleton<WorkspaceAndModelStateFilter>();
        builder.Services
            .AddControllers(mvc => mvc.Filters.AddService<WorkspaceAndModelStateFilter>())
            .AddApplicationPart(typeof(ImageServiceEmulator).Assembly)
            .AddNewtonsoftJson();

        var app = builder.Build();
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            await Errors.WriteAsync(context, 500, "InternalServerError", $"The emulator failed: {exception?.GetType().Name}: {exception?.Message}");
        }));
        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            int code = context.Response.StatusCode;
            string message = code switch
            {
                404 => $"No route matches {context.Request.Method} {context.Request.Path}.",
                405 => $"Method {context.Request.Method} is not allowed on {context.Request.Path}.",
                415 => $"Content-Type '{context.Request.ContentType}' is not supported here; send application/json (or application/json-patch+json for PATCH).",
                _ => $"The request failed with status {code}.",
            };
            string errorCode = code switch { 404 => "NotFound", 405 => "MethodNotAllowed", 415 => "UnsupportedMediaType", _ => "Error" };
            await Errors.WriteAsync(context, code, errorCode, message);
        });
        app.UseMiddleware<BearerAuthMiddleware>();
        app.UseMiddleware<FaultMiddleware>();
        app.MapControllers();

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            store.Dispose();
            throw;
        }

        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ImageServiceEmulator(app, store, options, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>The image with this id, or null.</summary>
    /// <param name="id">The id, <c>name:version</c>.</param>
    /// <returns>A snapshot of the image.</returns>
    public EmulatedImage? GetImage(string id) => _store.FindImage(id) is { } image ? Snapshot(image) : null;

    /// <summary>How many images (versions) of this name exist.</summary>
    /// <param name="name">The image name.</param>
    /// <returns>The number of versions.</returns>
    public int CountImages(string name) => _store.Images().Count(i => i.Name == name);

    /// <summary>The requests received so far whose path contains <paramref name="pathFragment"/>.</summary>
    /// <param name="pathFragment">A part of the path, for example <c>/images</c>.</param>
    /// <returns>The matching requests, oldest first.</returns>
    public IReadOnlyList<RecordedRequest> RequestsTo(string pathFragment) =>
        [.. _store.Requests().Where(r => r.PathAndQuery.Contains(pathFragment, StringComparison.OrdinalIgnoreCase))];

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests() => _store.ClearRequests();

    /// <summary>Waits until the server stops (Ctrl+C or SIGTERM for the standalone program).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes at shutdown.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops the server and closes the data file.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _pump.CancelAsync();
        await _pumpTask;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _store.Dispose();
        _pump.Dispose();
    }

    private EmulatedImage Snapshot(ImageRecord image)
    {
        lock (_store.Gate)
        {
            return new EmulatedImage(image.Id, image.Name, image.Version, image.CreationState, image.Description,
                new Dictionary<string, string>(image.KvTags), new Dictionary<string, string>(image.Properties), [.. image.ModelIds], image.OperationId,
                [.. image.TagHistory.Select(t => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(t))]);
        }
    }

    /// <summary>Advances builds even when nobody polls, so that persisted state and lists move on.</summary>
    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(Options.BuildStepDuration.TotalMilliseconds / 4, 10, 250));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(period, cancellationToken);
                _store.Advance();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
