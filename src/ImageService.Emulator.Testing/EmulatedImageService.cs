using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using ImageService.Client;

namespace ImageService.Emulator.Testing;

/// <summary>
/// An image service for a test: the emulator, started in process on a free loopback port, and the
/// <see cref="ImageServiceClientOptions"/> that point an <see cref="ImageServiceClient"/> at it. Seed images, arm faults,
/// run the code under test, then read what the service holds and what it received. Dispose it to stop it.
/// </summary>
/// <remarks>
/// Not tied to a test framework: start one per test with <c>await using</c>, or share one through the framework's
/// fixture mechanism (an xunit <c>IAsyncLifetime</c> class fixture, an NUnit <c>[OneTimeSetUp]</c>, ...). Instances
/// are independent: each has its own port and its own state. Thread-safe.
/// </remarks>
public sealed class EmulatedImageService : IAsyncDisposable
{
    /// <summary>The build step of an emulator started with the default options: a build takes two steps.</summary>
    public static readonly TimeSpan DefaultBuildStepDuration = TimeSpan.FromMilliseconds(20);

    /// <summary>The delay before a retry in the options from <see cref="CreateClientOptions"/>, instead of the client's 0.8 s.</summary>
    public static readonly TimeSpan TestRetryBaseDelay = TimeSpan.FromMilliseconds(10);

    private EmulatedImageService(ImageServiceEmulator emulator) => Emulator = emulator;

    /// <summary>The running emulator: everything it holds (<see cref="ImageServiceEmulator.Images"/>,
    /// <see cref="ImageServiceEmulator.GetImage"/>, <see cref="ImageServiceEmulator.Operations"/>) and its options.</summary>
    public ImageServiceEmulator Emulator { get; }

    /// <summary>The endpoint to give a client, for example <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri Endpoint => Emulator.BaseAddress;

    /// <summary>The requests received so far, oldest first (the newest <see cref="EmulatorOptions.RequestLogCapacity"/>):
    /// method, path and query, headers (including <c>x-ms-client-request-id</c>), status. A request is recorded before its
    /// answer is sent, so a call is here as soon as it returns.</summary>
    public IReadOnlyList<RecordedRequest> Requests => Emulator.Requests;

    /// <summary>
    /// Starts an emulator. With no options: on 127.0.0.1 with a free port, in memory, with the models
    /// <c>sklearn-model:1</c>, <c>onnx-resnet:1</c> and <c>onnx-resnet:2</c> registered, and a build step of
    /// <see cref="DefaultBuildStepDuration"/>.
    /// </summary>
    /// <param name="options">The options (a data file, configured fault rates, another token or workspace, a clock, ...;
    /// the defaults of <see cref="EmulatorOptions"/> listen on a free loopback port), or null for the defaults above.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running service.</returns>
    public static async Task<EmulatedImageService> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions { BuildStepDuration = DefaultBuildStepDuration };
        return new EmulatedImageService(await ImageServiceEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// New client options aimed at this emulator (see <see cref="ConfigureClient"/>); change any of them before you use
    /// them.
    /// </summary>
    /// <returns>The options.</returns>
    public ImageServiceClientOptions CreateClientOptions()
    {
        var options = new ImageServiceClientOptions();
        ConfigureClient(options);
        return options;
    }

    /// <summary>
    /// Aims client options at this emulator: <see cref="ImageServiceClientOptions.Endpoint"/>, the subscription, resource
    /// group and workspace, a <see cref="ImageServiceClientOptions.Credential"/> that issues the emulator's token, and
    /// timings for tests (polls as often as the emulator suggests, retries after <see cref="TestRetryBaseDelay"/>).
    /// For dependency injection: <c>services.AddImageServiceClient(service.ConfigureClient)</c>.
    /// </summary>
    /// <param name="options">The options to change; the others keep their values.</param>
    public void ConfigureClient(ImageServiceClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string token = Emulator.AccessToken;
        options.Endpoint = Emulator.BaseAddress;
        options.SubscriptionId = Emulator.SubscriptionId;
        options.ResourceGroup = Emulator.ResourceGroup;
        options.Workspace = Emulator.Workspace;
        options.Credential = DelegatedTokenCredential.Create((_, _) => new AccessToken(token, DateTimeOffset.MaxValue));
        // The emulator's builds take milliseconds and it says how soon to poll (x-ms-retry-after-ms): honour it
        // rather than the one-second floor meant for the real service, and retry a fault without a long back-off.
        options.PollingInterval = Emulator.Options.BuildStepDuration > TimeSpan.Zero ? Emulator.Options.BuildStepDuration : TimeSpan.FromMilliseconds(1);
        options.MinimumPollingInterval = TimeSpan.Zero;
        options.BaseDelay = TestRetryBaseDelay;
    }

    /// <summary>A client aimed at this emulator, built from <see cref="CreateClientOptions"/>.</summary>
    /// <returns>The client.</returns>
    public ImageServiceClient CreateClient() => new(CreateClientOptions());

    /// <summary>Adds an image whose build has already run, as if it had been created earlier.</summary>
    /// <param name="seed">The image: name, tags, properties, models, flavor, whether its build failed.</param>
    /// <param name="cancellationToken">Cancels the wait for the emulator's store.</param>
    /// <returns>The image, with its id (<c>name:version</c>).</returns>
    /// <exception cref="ArgumentException">The service would refuse such a create request (the message says why).</exception>
    public Task<EmulatedImage> SeedImageAsync(ImageSeed seed, CancellationToken cancellationToken = default) =>
        Emulator.SeedImageAsync(seed, cancellationToken);

    /// <summary>Makes the next matching requests fail with <paramref name="fault"/> (see <see cref="ImageServiceEmulator.InjectFault"/>).</summary>
    /// <param name="fault">The fault, for example <see cref="EmulatorFault.ServiceUnavailable"/>.</param>
    /// <param name="times">How many matching requests it fails.</param>
    /// <param name="method">Only requests with this HTTP method; null for any.</param>
    /// <param name="pathContains">Only requests whose path contains this (case-insensitive); null for any.</param>
    /// <returns>The armed fault: <see cref="InjectedFault.Applied"/> counts the requests it failed; dispose it to disarm it.</returns>
    public InjectedFault InjectFault(EmulatorFault fault, int times = 1, string? method = null, string? pathContains = null) =>
        Emulator.InjectFault(fault, times, method, pathContains);

    /// <summary>Stops the emulator; its port is free again and its state is gone (unless it has a data file).</summary>
    /// <returns>A task that completes when it has stopped.</returns>
    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}
