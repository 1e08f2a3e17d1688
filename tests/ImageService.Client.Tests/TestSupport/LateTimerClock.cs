using System;
using System.Threading;
using Microsoft.Extensions.Time.Testing;

namespace ImageService.Client.Tests.TestSupport;

/// <summary>
/// A clock whose time can jump without its timers running, as on a loaded machine where a timer due now has not been
/// run yet: <see cref="Skip"/> moves <see cref="GetTimestamp"/> and <see cref="GetUtcNow"/> on, timers stay on
/// <paramref name="timers"/>'s (fake) time.
/// </summary>
public sealed class LateTimerClock(FakeTimeProvider timers) : TimeProvider
{
    private long _skippedTicks;

    /// <summary>Moves the time read by the client on by <paramref name="by"/>; no timer fires.</summary>
    public void Skip(TimeSpan by) => Interlocked.Add(ref _skippedTicks, by.Ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() =>
        (long)(timers.GetTimestamp() * ((double)TimeSpan.TicksPerSecond / timers.TimestampFrequency)) + Interlocked.Read(ref _skippedTicks);

    public override DateTimeOffset GetUtcNow() => timers.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _skippedTicks));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        timers.CreateTimer(callback, state, dueTime, period);
}
