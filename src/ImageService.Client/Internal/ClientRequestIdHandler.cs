using System;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Diagnostics;

namespace ImageService.Client.Internal;

/// <summary>
/// Outermost handler: stamps <c>x-ms-client-request-id</c> (the facade call's id, else a new one) and the SDK's
/// <c>User-Agent</c>. It runs once per request, outside the retry handler, so every retry reuses the same id.
/// </summary>
internal sealed class ClientRequestIdHandler : DelegatingHandler
{
    internal static readonly string UserAgent = BuildUserAgent();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string id = RequestContext.CurrentClientRequestId ?? RequestContext.NewClientRequestId();
        request.Headers.Remove(RequestContext.ClientRequestIdHeader);
        request.Headers.TryAddWithoutValidation(RequestContext.ClientRequestIdHeader, id);
        request.Options.Set(RequestContext.ClientRequestIdKey, id);
        request.Headers.Remove("User-Agent");
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        return base.SendAsync(request, cancellationToken);
    }

    private static string BuildUserAgent()
    {
        string version = ImageServiceDiagnostics.Version;
        string comment = Sanitize($"{RuntimeInformation.FrameworkDescription}; {RuntimeInformation.OSDescription}");
        return $"ImageService.Client/{Sanitize(version)} ({comment})";
    }

    private static string Sanitize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            builder.Append(c is >= ' ' and <= '~' and not '(' and not ')' ? c : ' ');
        }

        return builder.ToString().Trim();
    }
}
