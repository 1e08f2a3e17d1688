using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Diagnostics;
using ImageService.Client.Internal;
using Microsoft.Extensions.Logging;

namespace ImageService.Client;

/// <summary>
/// A long-running operation of the image service, polled through <c>GET operations/{id}</c>. Only its <see cref="Id"/>
/// is needed to resume it, in another process or after a restart. Cancelling a wait stops waiting; it does not cancel
/// the operation on the service.
/// </summary>
/// <typeparam name="T">The resource the operation produces.</typeparam>
public abstract class ImageServiceOperation<T>
    where T : class
{
    private readonly Driver? _driver;
    private readonly object _sync = new();
    private AsyncOperationStatus? _status;
    private T? _value;
    private ImageServiceException? _failure;
    private TimeSpan? _serverDelay;
    private long? _startTimestamp;

    /// <summary>Initializes a new instance of the <see cref="ImageServiceOperation{T}"/> class for mocking.</summary>
    protected ImageServiceOperation()
    {
        Id = string.Empty;
    }

    internal ImageServiceOperation(string id, Driver driver)
    {
        Id = id;
        _driver = driver;
    }

    /// <summary>Gets the operation id (the last segment of the <c>Operation-Location</c> header).</summary>
    public virtual string Id { get; }

    /// <summary>Gets whether the operation reached a final state (Succeeded, Failed, Cancelled or TimedOut) and, on success, its result was fetched.</summary>
    public virtual bool HasCompleted
    {
        get
        {
            lock (_sync)
            {
                return _value is not null || _failure is not null;
            }
        }
    }

    /// <summary>Gets whether <see cref="Value"/> is available.</summary>
    public virtual bool HasValue
    {
        get
        {
            lock (_sync)
            {
                return _value is not null;
            }
        }
    }

    /// <summary>Gets the last status read from the service, or null before the first poll.</summary>
    public virtual AsyncOperationStatus? Status
    {
        get
        {
            lock (_sync)
            {
                return _status;
            }
        }
    }

    /// <summary>Gets the result of a succeeded operation.</summary>
    /// <exception cref="InvalidOperationException">The operation has not completed yet.</exception>
    /// <exception cref="ImageServiceException">The operation failed, was cancelled or timed out.</exception>
    public virtual T Value
    {
        get
        {
            lock (_sync)
            {
                if (_failure is not null)
                {
                    throw _failure;
                }

                return _value ?? throw new InvalidOperationException($"The operation '{Id}' has not completed yet; call WaitForCompletionAsync or UpdateStatusAsync.");
            }
        }
    }

    /// <summary>Reads the operation's status once; when it is final, fetches the result (or builds the failure).</summary>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The status.</returns>
    public virtual async Task<AsyncOperationStatus> UpdateStatusAsync(CancellationToken cancellationToken = default)
    {
        Driver driver = _driver ?? throw new InvalidOperationException("This operation was created for mocking.");
        lock (_sync)
        {
            _startTimestamp ??= driver.TimeProvider.GetTimestamp();
        }

        (AsyncOperationStatus status, TimeSpan? serverDelay) = await driver.PollAsync(Id, cancellationToken).ConfigureAwait(false);
        lock (_sync)
        {
            _status = status;
            _serverDelay = serverDelay;
        }

        if (HasCompleted || !IsFinal(status.State))
        {
            return status;
        }

        if (status.State == AsyncOperationState.Succeeded)
        {
            T value = await driver.GetResultAsync(status, cancellationToken).ConfigureAwait(false);
            lock (_sync)
            {
                _value = value;
            }
        }
        else
        {
            ImageServiceException failure = await driver.CreateFailureAsync(Id, status, cancellationToken).ConfigureAwait(false);
            lock (_sync)
            {
                _failure = failure;
            }
        }

        RecordDuration(driver, status);
        return status;
    }

    /// <summary>
    /// Polls until the operation completes, every <see cref="ImageServiceClientOptions.PollingInterval"/> unless the
    /// service sends <c>Retry-After</c> (honoured between <see cref="ImageServiceClientOptions.MinimumPollingInterval"/>
    /// and <see cref="ImageServiceClientOptions.MaxDelay"/>).
    /// </summary>
    /// <param name="progress">Receives every status read.</param>
    /// <param name="cancellationToken">Stops waiting (the operation goes on in the service).</param>
    /// <returns>The result.</returns>
    /// <exception cref="ImageServiceException">The operation failed, was cancelled or timed out, or did not finish within <see cref="ImageServiceClientOptions.OperationTimeout"/>.</exception>
#pragma warning disable RS0027 // A back-compat rule for adding optionals to shipped overloads; this is the Azure SDK's shape (default-interval overload plus an explicit-interval one).
    public virtual Task<T> WaitForCompletionAsync(IProgress<AsyncOperationStatus>? progress = null, CancellationToken cancellationToken = default) =>
        WaitCoreAsync(null, progress, cancellationToken);
#pragma warning restore RS0027

    /// <summary>
    /// Polls until the operation completes, every <paramref name="pollingInterval"/> unless the service sends
    /// <c>Retry-After</c> (honoured between <see cref="ImageServiceClientOptions.MinimumPollingInterval"/> and
    /// <see cref="ImageServiceClientOptions.MaxDelay"/>).
    /// </summary>
    /// <param name="pollingInterval">The interval between polls.</param>
    /// <param name="cancellationToken">Stops waiting (the operation goes on in the service).</param>
    /// <returns>The result.</returns>
    /// <exception cref="ImageServiceException">The operation failed, was cancelled or timed out, or did not finish within <see cref="ImageServiceClientOptions.OperationTimeout"/>.</exception>
    public virtual Task<T> WaitForCompletionAsync(TimeSpan pollingInterval, CancellationToken cancellationToken)
    {
        if (pollingInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(pollingInterval), pollingInterval, "The polling interval must be greater than zero.");
        }

        return WaitCoreAsync(pollingInterval, null, cancellationToken);
    }

    /// <summary>
    /// The wait before the next poll: the service's <c>Retry-After</c> when it sent one, but never shorter than
    /// <see cref="ImageServiceClientOptions.MinimumPollingInterval"/> (a service answering <c>Retry-After: 0</c> must not
    /// be polled in a tight loop) nor longer than <see cref="ImageServiceClientOptions.MaxDelay"/>; otherwise the polling
    /// interval. Never past what remains of the operation's budget.
    /// </summary>
    internal static TimeSpan NextPollDelay(TimeSpan? serverDelay, TimeSpan interval, Driver driver, TimeSpan remaining)
    {
        TimeSpan delay = interval;
        if (serverDelay is { } requested)
        {
            delay = RetryAfter.Cap(requested, driver.MaxDelay);
            if (delay < driver.MinimumPollingInterval)
            {
                delay = driver.MinimumPollingInterval;
            }
        }

        return RetryAfter.Cap(delay, remaining);
    }

    internal static bool IsFinal(AsyncOperationState? state) =>
        state == AsyncOperationState.Succeeded || state == AsyncOperationState.Failed
        || state == AsyncOperationState.Cancelled || state == AsyncOperationState.TimedOut;

    private async Task<T> WaitCoreAsync(TimeSpan? pollingInterval, IProgress<AsyncOperationStatus>? progress, CancellationToken cancellationToken)
    {
        Driver driver = _driver ?? throw new InvalidOperationException("This operation was created for mocking.");
        TimeSpan interval = pollingInterval ?? driver.PollingInterval;

        // The operation's own budget, separate from the per-request timeouts of the resilience pipeline.
        long waitStart = driver.TimeProvider.GetTimestamp();
        using var budget = new CancellationTokenSource(driver.OperationTimeout, driver.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        try
        {
            while (true)
            {
                AsyncOperationStatus status = await UpdateStatusAsync(linked.Token).ConfigureAwait(false);
                progress?.Report(status);
                if (HasCompleted)
                {
                    return Value;
                }

                TimeSpan? serverDelay;
                lock (_sync)
                {
                    serverDelay = _serverDelay;
                }

                TimeSpan remaining = driver.OperationTimeout - driver.TimeProvider.GetElapsedTime(waitStart);
                if (remaining <= TimeSpan.Zero)
                {
                    // The poll came back after the budget was spent, before its timer ran (a loaded machine): no wait,
                    // no poll after it.
                    await budget.CancelAsync().ConfigureAwait(false);
                    linked.Token.ThrowIfCancellationRequested();
                }

                TimeSpan delay = NextPollDelay(serverDelay, interval, driver, remaining);

                Log.Polling(driver.Logger, Id, status.State?.ToString() ?? "unknown", delay.TotalMilliseconds);
                await Task.Delay(delay, driver.TimeProvider, linked.Token).ConfigureAwait(false);
                if (driver.TimeProvider.GetElapsedTime(waitStart) >= driver.OperationTimeout)
                {
                    // The budget is spent, whether or not its timer has fired yet: no poll after it.
                    await budget.CancelAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && ex is OperationCanceledException or ImageServiceException)
        {
            throw new ImageServiceException(
                $"The operation '{Id}' did not complete within ImageServiceClientOptions.OperationTimeout ({driver.OperationTimeout}); it may still complete in the service: resume it by its id.",
                ex)
            { OperationId = Id };
        }
    }

    private void RecordDuration(Driver driver, AsyncOperationStatus status)
    {
        long start;
        lock (_sync)
        {
            start = _startTimestamp ?? driver.TimeProvider.GetTimestamp();
        }

        ImageServiceDiagnostics.OperationDuration.Record(
            driver.TimeProvider.GetElapsedTime(start).TotalSeconds,
            new KeyValuePair<string, object?>("imageservice.operation_type", driver.OperationType),
            new KeyValuePair<string, object?>("imageservice.operation_state", status.State?.ToString()));
    }

    /// <summary>What an operation needs from the client: poll, fetch the result, describe a failure.</summary>
    internal abstract class Driver
    {
        public abstract string OperationType { get; }

        public abstract TimeProvider TimeProvider { get; }

        public abstract TimeSpan PollingInterval { get; }

        public abstract TimeSpan MinimumPollingInterval { get; }

        public abstract TimeSpan MaxDelay { get; }

        public abstract TimeSpan OperationTimeout { get; }

        public abstract ILogger Logger { get; }

        public abstract Task<(AsyncOperationStatus Status, TimeSpan? ServerDelay)> PollAsync(string operationId, CancellationToken cancellationToken);

        public abstract Task<T> GetResultAsync(AsyncOperationStatus status, CancellationToken cancellationToken);

        public abstract Task<ImageServiceException> CreateFailureAsync(string operationId, AsyncOperationStatus status, CancellationToken cancellationToken);
    }
}
