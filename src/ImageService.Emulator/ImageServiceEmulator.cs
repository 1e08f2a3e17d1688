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
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

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
    private readonly FaultSchedule _faults;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _pump = new();
    private readonly Task _pumpTask;

    private ImageServiceEmulator(WebApplication app, EmulatorStore store, EmulatorOptions options, Uri baseAddress)
    {
        _app = app;
        _store = store;
        _requests = app.Services.GetRequiredService<RequestLog>();
        _faults = app.Services.GetRequiredService<FaultSchedule>();
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

    /// <summary>The newest requests received (at most <see cref="EmulatorOptions.RequestLogCapacity"/>), oldest first. A
    /// request is recorded before its answer is sent, so a call is here as soon as it returns.</summary>
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
        options.Validate();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ImageServiceEmulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        // EmulatorOptions alone configure it: not the appsettings.json next to the program that embeds it (a test project's
        // or a sample's, with its own logging levels or Kestrel endpoints), nor that process's environment variables.
        // (An empty in-memory source remains, for the settings the host writes itself, such as the URLs.)
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseKestrelCore().UseUrls(options.Url)
            .ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.UseServerErrorBodies()));

        // 1,000 clients connecting at once overflowed the default queue of 512 pending connections; a full queue makes
        // the kernel drop connections, which clients see as resets and connect timeouts. The kernel caps it
        // (net.core.somaxconn).
        builder.Services.Configure<SocketTransportOptions>(sockets => sockets.Backlog = 4096);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // A console that cannot keep up (a slow terminal, a pipe nobody reads) drops log lines rather than blocking the
        // requests that write them.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft", options.LogLevel < LogLevel.Warning ? LogLevel.Warning : options.LogLevel);

        // A start-up failure (port in use, ...) reaches the caller as the exception StartAsync throws, and the standalone
        // program prints it as one line; the host's own copy of it is a stack trace on the console.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

        var store = new EmulatorStore(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(new RequestLog(options.RequestLogCapacity));
        builder.Services.AddSingleton<FaultSchedule>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CurrentApiRequest>();
        builder.Services.AddScoped<IImagesController, ImagesApi>();
        builder.Services.AddScoped<IOperationsController, OperationsApi>();
        builder.Services.AddScoped<IProfilesController, ProfilesApi>();
        builder.Services.AddSingleton<WorkspaceAndModelStateFilter>();
        builder.Services
            .AddControllers(mvc =>
            {
                mvc.Filters.Add<RequestBodyFilter>();
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
        app.UseMiddleware<MalformedRequestMiddleware>();
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

    /// <summary>
    /// Arms a fault for the next matching requests, as if each carried <c>x-emulator-fault</c>: for testing how code
    /// that cannot set that header (an application's own client) handles throttling, outages and broken answers.
    /// Faults apply after authentication; a header on the request itself takes precedence.
    /// </summary>
    /// <param name="fault">The fault, for example <see cref="EmulatorFault.ServiceUnavailable"/>.</param>
    /// <param name="times">How many matching requests it fails (1 or more).</param>
    /// <param name="method">Only requests with this HTTP method (<c>GET</c>, <c>POST</c>, <c>PATCH</c>, <c>DELETE</c>); null for any.</param>
    /// <param name="pathContains">Only requests whose path contains this (case-insensitive), for example <c>/images</c> or <c>/operations/</c>; null for any.</param>
    /// <returns>The armed fault: <see cref="InjectedFault.Applied"/> counts the requests it failed; dispose it to disarm it.</returns>
    public InjectedFault InjectFault(EmulatorFault fault, int times = 1, string? method = null, string? pathContains = null)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        var injected = new InjectedFault(fault, times, method, pathContains);
        _faults.Add(injected);
        return injected;
    }

    /// <summary>
    /// Adds an image whose build has already run (<c>Succeeded</c>, or <c>Failed</c> with <see cref="ImageSeed.BuildFailed"/>),
    /// as a create request would after its build, with its operation; validated as a create request is.
    /// </summary>
    /// <param name="seed">The image.</param>
    /// <param name="cancellationToken">Cancels the wait for the store.</param>
    /// <returns>The image, with its id (<c>name:version</c>).</returns>
    /// <exception cref="ArgumentException">The service would refuse such a create request (the message says why).</exception>
    public async Task<EmulatedImage> SeedImageAsync(ImageSeed seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var request = seed.ToRequest();
        if (ImagesApi.Validate(request, _store.FindModel) is { } refused)
        {
            throw new ArgumentException($"The image seed is not a valid create request: {refused.Message} ({refused.Target})", nameof(seed));
        }

        var image = ImagesApi.NewRecord(request);
        string prefix = CurrentApiRequest.WorkspacePrefix(SubscriptionId, ResourceGroup, Workspace);
        var (created, _) = await _store.CreateImageAsync(image, prefix, Guid.NewGuid().ToString(), seed.BuildFailed, built: true, cancellationToken);
        return Snapshot(created);
    }

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

    // A published record never changes (the store replaces it), so it is read without a lock.
    private EmulatedImage Snapshot(ImageRecord image) =>
        new(image.Id, image.Name, image.Version, image.CreationState, image.Description,
            new Dictionary<string, string>(image.KvTags ?? []), new Dictionary<string, string>(image.Properties ?? []), [.. image.ModelIds ?? []], image.OperationId,
            _store.TagHistory(image.Id), image.TagChangeCount);

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
                    await _store.AdvanceAsync(cancellationToken);
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
