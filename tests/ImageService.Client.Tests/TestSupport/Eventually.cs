using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace ImageService.Client.Tests.TestSupport;

/// <summary>
/// Waits for work the code under test does on the thread pool (a background token refresh) by checking a condition
/// between short yields. The bound is against a hang, not a speed: it is minutes of real time on a loaded machine.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan HangBound = TimeSpan.FromMinutes(2);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (elapsed.Elapsed > HangBound)
            {
                throw new TimeoutException($"Still waiting, after {HangBound}, for {what}.");
            }

            await Task.Delay(1);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);
}
