using System;
using System.Threading;

namespace ImageService.Emulator;

/// <summary>
/// A fault armed with <see cref="ImageServiceEmulator.InjectFault"/>: it fails the next matching requests (after
/// authentication) until it has failed <see cref="Times"/> of them or is disposed. Read <see cref="Applied"/> to see how
/// many it failed.
/// </summary>
public sealed class InjectedFault : IDisposable
{
    private int _applied;
    private int _remaining;

    internal InjectedFault(EmulatorFault fault, int times, string? method, string? pathContains)
    {
        Fault = fault;
        Times = times;
        Method = method;
        PathContains = pathContains;
        _remaining = times;
    }

    /// <summary>The fault.</summary>
    public EmulatorFault Fault { get; }

    /// <summary>How many matching requests it fails at most.</summary>
    public int Times { get; }

    /// <summary>The HTTP method a request must have (case-insensitive), or null for any.</summary>
    public string? Method { get; }

    /// <summary>A part of the path a request must contain (case-insensitive), or null for any.</summary>
    public string? PathContains { get; }

    /// <summary>How many requests it failed so far.</summary>
    public int Applied => Volatile.Read(ref _applied);

    /// <summary>Whether it still fails matching requests (not yet applied <see cref="Times"/> times, not disposed).</summary>
    public bool IsArmed => Volatile.Read(ref _remaining) > 0;

    /// <summary>Disarms it: no further request is failed.</summary>
    public void Dispose() => Interlocked.Exchange(ref _remaining, 0);

    /// <summary>Takes one application if the request matches and one is left.</summary>
    internal bool TryApply(string method, string path)
    {
        if ((Method is not null && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
            || (PathContains is not null && !path.Contains(PathContains, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        int remaining;
        do
        {
            remaining = Volatile.Read(ref _remaining);
            if (remaining <= 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) != remaining);

        Interlocked.Increment(ref _applied);
        return true;
    }
}
