using System;
using System.Threading;

namespace ImageService.Client.IntegrationTests.TestSupport;

/// <summary>
/// The system clock, except that a test can stop the time an emulator reads (<see cref="Pause"/>) to observe a state the
/// emulator otherwise leaves after one build step, however slowly a loaded machine runs the test. Timers stay the system's.
/// </summary>
public sealed class PausableClock : TimeProvider
{
    private long _pausedAtTicks = -1;

    /// <summary>Stops <see cref="GetUtcNow"/> at the current time until the returned scope is disposed.</summary>
    public IDisposable Pause()
    {
        Interlocked.Exchange(ref _pausedAtTicks, System.GetUtcNow().UtcTicks);
        return new Resume(this);
    }

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        long paused = Interlocked.Read(ref _pausedAtTicks);
        return paused < 0 ? System.GetUtcNow() : new DateTimeOffset(paused, TimeSpan.Zero);
    }

    private sealed class Resume(PausableClock clock) : IDisposable
    {
        public void Dispose() => Interlocked.Exchange(ref clock._pausedAtTicks, -1);
    }
}
