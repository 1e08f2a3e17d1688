using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageService.Benchmarks;

/// <summary>
/// An in-process Kestrel server on 127.0.0.1, port 0, that answers with fixed bodies: one image, and pages of
/// <see cref="Payloads.PageSize"/> images. A listing workspace is named <c>list-{pages}</c>; its nextLink carries the
/// next page number in <c>$skipToken</c>.
/// </summary>
public sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<BenchServer> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();

        string prefix = $"/modelmanagement/v1.0/subscriptions/{Payloads.Subscription}/resourceGroups/{Payloads.ResourceGroup}/providers/Microsoft.MachineLearningServices/workspaces";
        app.MapGet(prefix + "/{workspace}/images/{id}", (HttpContext context) => WriteAsync(context, Payloads.Image));
        app.MapGet(prefix + "/{workspace}/images", (HttpContext context, string workspace) => WritePageAsync(context, workspace));

        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BenchServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static Task WriteAsync(HttpContext context, byte[] body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, 0, body.Length, context.RequestAborted);
    }

    private static async Task WritePageAsync(HttpContext context, string workspace)
    {
        int pages = workspace.StartsWith("list-", StringComparison.Ordinal)
            ? int.Parse(workspace.AsSpan(5), CultureInfo.InvariantCulture)
            : 1;
        int page = int.TryParse(context.Request.Query["$skipToken"], NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : 0;
        string? nextLink = page + 1 < pages
            ? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}?$skipToken={page + 1}"
            : null;
        byte[] suffix = Payloads.PageSuffix(nextLink);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = Payloads.PagePrefix.Length + Payloads.PageItems.Length + suffix.Length;
        await context.Response.Body.WriteAsync(Payloads.PagePrefix, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.WriteAsync(Payloads.PageItems, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.WriteAsync(suffix, context.RequestAborted).ConfigureAwait(false);
    }
}
