using System.Collections.Generic;
using Microsoft.AspNetCore.Http;

namespace ImageService.Emulator.Http;

/// <summary>The faults armed through <see cref="ImageServiceEmulator.InjectFault"/>, oldest first.</summary>
internal sealed class FaultSchedule
{
    private readonly List<InjectedFault> _faults = [];

    public void Add(InjectedFault fault)
    {
        lock (_faults)
        {
            _faults.Add(fault);
        }
    }

    /// <summary>The fault of the oldest armed injection that matches the request (and counts it as applied), or null.</summary>
    public EmulatorFault? Take(HttpRequest request)
    {
        lock (_faults)
        {
            _faults.RemoveAll(f => !f.IsArmed);
            foreach (var fault in _faults)
            {
                if (fault.TryApply(request.Method, request.Path.Value ?? ""))
                {
                    return fault.Fault;
                }
            }
        }

        return null;
    }
}
