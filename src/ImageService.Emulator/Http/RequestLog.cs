using System;
using System.Collections.Generic;

namespace ImageService.Emulator.Http;

/// <summary>
/// The requests kept for inspection: the newest <see cref="EmulatorOptions.RequestLogCapacity"/>, oldest dropped first,
/// so a long run or a flood cannot grow the emulator's memory. <see cref="Total"/> counts every request ever seen.
/// </summary>
internal sealed class RequestLog(int capacity)
{
    private readonly Queue<RecordedRequest> _window = new();
    private long _total;

    public int Capacity { get; } = capacity;

    public long Total
    {
        get
        {
            lock (_window)
            {
                return _total;
            }
        }
    }

    public void Add(RecordedRequest request)
    {
        lock (_window)
        {
            _total++;
            if (Capacity == 0)
            {
                return;
            }

            while (_window.Count >= Capacity)
            {
                _window.Dequeue();
            }

            _window.Enqueue(request);
        }
    }

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_window)
        {
            return [.. _window];
        }
    }

    public void Clear()
    {
        lock (_window)
        {
            _window.Clear();
        }
    }
}
