using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Client.IntegrationTests.TestSupport;

/// <summary>The fault to ask the emulator for during one call, and the attempts the call made.</summary>
internal sealed class FaultScope
{
    private static readonly AsyncLocal<FaultScope?> s_current = new();

    public FaultScope(string fault) => Fault = fault;

    public static FaultScope? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public string Fault { get; }

    public ConcurrentQueue<string> Attempts { get; } = new();

    public IReadOnlyList<string> ClientRequestIds => [.. Attempts.Distinct()];
}

/// <summary>
/// Innermost handler: while a <see cref="FaultScope"/> is current, every attempt carries
/// <c>x-emulator-fault-once: &lt;kind&gt;</c> (the emulator fails only the first attempt of a client request id) and
/// is counted.
/// </summary>
internal sealed class FaultInjectionHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (FaultScope.Current is { } scope)
        {
            request.Headers.Remove("x-emulator-fault-once"); // a retry resends the same message
            request.Headers.TryAddWithoutValidation("x-emulator-fault-once", scope.Fault);
            scope.Attempts.Enqueue(request.Headers.TryGetValues("x-ms-client-request-id", out var ids) ? ids.First() : "?");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
