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
    private readonly RequestLog _requests;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _pump = new();
    private readonly Task _pumpTask;

    private ImageServiceEmulator(WebApplication app, EmulatorStore store, EmulatorOptions options, Uri baseAddress)
    {
        _app = app;
        _store = store;
        _requests = app.Services.GetRequiredService<RequestLog>();
        _logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<ImageServiceEmulator>();
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
    public Uri WorkspaceUri => new(BaseAddress, CurrentApiRequest.WorkspacePrefix(SubscriptionId, ResourceGroup, Workspace).TrimStart('/'));

    /// <summary>A snapshot of every image.</summary>
    public IReadOnlyList<EmulatedImage> Images => [.. _store.Images().OrderBy(i => i.Sequence).Select(Snapshot)];

    /// <summary>A snapshot of every operation.</summary>
    public IReadOnlyList<EmulatedOperation> Operations =>
        [.. _store.Operations().Select(o => new EmulatedOperation(o.Id, o.OperationType, o.State, o.ResourceLocation))];

    /// <summary>The newest requests received (at most <see cref="EmulatorOptions.RequestLogCapacity"/>), oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.Snapshot();

    /// <summary>How many requests were received in all, including those no longer in <see cref="Requests"/>.</summary>
    public long RequestCount => _requests.Total;

    /// <summary>Starts an emulator (by default on 127.0.0.1 with a free port).</summary>
    /// <param name="options">The options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<ImageServiceEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        if (options.RequestLogCapacity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RequestLogCapacity, "EmulatorOptions.RequestLogCapacity must be 0 or more.");
        }

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

        // A start-up failure (port in use, ...) reaches the caller as the exception StartAsync throws, and the standalone
        // program prints it as one line; the host's own copy of it is a stack trace on the console.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

        var store = new EmulatorStore(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(new RequestLog(options.RequestLogCapacity));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CurrentApiRequest>();
        builder.Services.AddScoped<IImagesController, ImagesApi>();
        builder.Services.AddScoped<IOperationsController, OperationsApi>();
        builder.Services.AddScoped<IProfilesController, ProfilesApi>();
        builder.Services.AddSingleton<WorkspaceAndModelStateFilter>();
        builder.Services
            .AddControllers(mvc =>
            {
                mvc.Filters.Add<RequestMediaTypeFilter>();
                mvc.Filters.AddService<WorkspaceAndModelStateFilter>();
                mvc.Filters.Add<RequiredPropertiesFilter>();

                // Required fields are checked by the actions, which name the field; MVC's implicit [Required] on
                // non-nullable references would answer "The body field is required." for a body that is not JSON.
                mvc.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true;
            })
            .AddApplicationPart(typeof(ImageServiceEmulator).Assembly)
            .AddNewtonsoftJson(json => WireJson.Configure(json.SerializerSettings));

        var app = builder.Build();
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            if (exception is BadHttpRequestException { StatusCode: 413 })
            {
                await Errors.WriteAsync(context, 413, "PayloadTooLarge",
                    $"The request body is larger than the {KestrelBodyLimit(context)} bytes the service accepts.");
                return;
            }

            if (exception is BadHttpRequestException bad)
            {
                await Errors.WriteAsync(context, bad.StatusCode, "BadRequest", $"The request could not be read: {bad.Message}");
                return;
            }

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
        var emulator = new ImageServiceEmulator(app, store, options, new Uri(address.TrimEnd('/') + "/"));
        foreach (string repair in store.Recovered)
        {
            emulator._logger.LogWarning("Data file {DataFile}: {Repair}", options.DataFile, repair);
        }

        return emulator;
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
        [.. _requests.Snapshot().Where(r => r.PathAndQuery.Contains(pathFragment, StringComparison.OrdinalIgnoreCase))];

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests() => _requests.Clear();

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

    private static long KestrelBodyLimit(HttpContext context) =>
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 30_000_000;

    private EmulatedImage Snapshot(ImageRecord image)
    {
        lock (_store.Gate)
        {
            return new EmulatedImage(image.Id, image.Name, image.Version, image.CreationState, image.Description,
                new Dictionary<string, string>(image.KvTags ?? []), new Dictionary<string, string>(image.Properties ?? []), [.. image.ModelIds ?? []], image.OperationId,
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
                try
                {
                    _store.Advance();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A failed commit changed nothing (memory follows the file); the next tick tries again.
                    _logger.LogWarning(ex, "Advancing the operations failed; retrying on the next tick.");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
