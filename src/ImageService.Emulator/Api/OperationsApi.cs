using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace ImageService.Emulator.Api;

/// <summary>GET /operations/{id}: the state of an image build or profiling run, with Retry-After while it runs.</summary>
internal sealed class OperationsApi(EmulatorStore store, CurrentApiRequest request, EmulatorOptions options) : IOperationsController
{
    public async Task<ActionResult<AsyncOperationStatus>> Operations_GetAsync(string subscriptionId, string resourceGroup, string workspace, string id, CancellationToken cancellationToken = default)
    {
        var operation = await store.FindOperationAsync(id, cancellationToken);
        if (operation is null)
        {
            return Errors.Result(404, "NotFound", $"Operation {id} not found in workspace {workspace}.", "id", "OperationNotFound");
        }

        if (!operation.IsTerminal)
        {
            request.Http.Response.Headers["Retry-After"] = "1";
            request.Http.Response.Headers["x-ms-retry-after-ms"] =
                ((long)options.EffectiveRetryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        return WireShapes.Operation(operation);
    }
}
