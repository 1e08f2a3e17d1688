using System;
using System.Threading.Tasks;
using ImageService.Client.IntegrationTests.TestSupport;
using ImageService.Emulator;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ImageService.Client.IntegrationTests.Errors;

/// <summary>
/// The mistakes a newcomer makes with the endpoint or an id, over real loopback HTTP: each error names its cause and
/// what to do, instead of a parser's or a TLS stack's words.
/// </summary>
public sealed class WrongEndpointTests
{
    private const string WebPage = "<!DOCTYPE html>\r\n<html>\r\n<head><title>Welcome to nginx!</title></head><body>It works.</body></html>";

    [Theory]
    [InlineData(200)]
    [InlineData(404)]
    public async Task GetImageAsync_EndpointIsAnOrdinaryWebServer_SaysTheAnswerIsNotJsonAndWhatItWas(int status)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(WebPage);
        });
        using ClientHost host = ClientHost.Create(options => PointAt(options, server.BaseAddress));

        var failure = await Assert.ThrowsAsync<ImageServiceException>(() => host.Client.GetImageAsync("img:1"));

        Assert.Equal(status, failure.Status);
        string[] expected =
        [
            "GetImage failed: the response body could not be read: it is not JSON (Content-Type 'text/html; charset=utf-8', body starting '<!DOCTYPE html> <html> <head><title>Welcome to nginx!</title>",
            "the endpoint may not be an image service; check ImageServiceClientOptions.Endpoint.",
            $"Status: {status}.",
        ];
        Assert.All(expected, part => Assert.True(failure.Message.Contains(part, StringComparison.Ordinal), $"'{part}' is not in: {failure.Message}"));
        Assert.DoesNotContain("\r", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListImagesAsync_HttpsToAPlainHttpPort_SaysTheTlsHandshakeFailedAndThatThePortMayServePlainHttp()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("{}"));
        var https = new UriBuilder(server.BaseAddress) { Scheme = Uri.UriSchemeHttps }.Uri;
        using ClientHost host = ClientHost.Create(options =>
        {
            PointAt(options, https);
            options.MaxRetryAttempts = 0;
        });

        var failure = await Assert.ThrowsAsync<ImageServiceException>(async () =>
        {
            await foreach (ImageResponseBase _ in host.Client.ListImagesAsync())
            {
            }
        });

        Assert.StartsWith("ListImages failed: the TLS (https) handshake with the image service failed (", failure.Message, StringComparison.Ordinal);
        Assert.Contains("If that port serves plain http, as a local emulator does, the endpoint must be http://", failure.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests); // no HTTP request was ever understood on that port
    }

    [Fact]
    public async Task GetImageAsync_IdWithoutVersionNotFound_SaysIdsAreNameColonVersion()
    {
        await using ImageServiceEmulator emulator = await ImageServiceEmulator.StartAsync();
        using ClientHost host = ClientHost.ForEmulator(emulator);

        var withoutVersion = await Assert.ThrowsAsync<ImageServiceException>(() => host.Client.GetImageAsync("getting-started"));
        var withVersion = await Assert.ThrowsAsync<ImageServiceException>(() => host.Client.GetImageAsync("getting-started:7"));

        Assert.Equal(404, withoutVersion.Status);
        Assert.EndsWith(" Image ids are name:version (for example 'getting-started:1'); 'getting-started' has no version.", withoutVersion.Message, StringComparison.Ordinal);
        Assert.Equal(404, withVersion.Status);
        Assert.DoesNotContain("name:version", withVersion.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddImageServiceClient_EmulatorsPrintedWorkspaceUrlAsEndpoint_FailsValidationNamingTheEndpointToUse()
    {
        await using ImageServiceEmulator emulator = await ImageServiceEmulator.StartAsync();

        // The standalone emulator prints this URL as "workspace:"; pasted as the endpoint, every request went to it twice.
        var failure = Assert.Throws<OptionsValidationException>(() => ClientHost.ForEmulator(emulator, endpoint: emulator.WorkspaceUri));

        Assert.Contains($"use Endpoint '{emulator.BaseAddress}', with SubscriptionId '{emulator.SubscriptionId}', ResourceGroup '{emulator.ResourceGroup}' and Workspace '{emulator.Workspace}'.", Assert.Single(failure.Failures), StringComparison.Ordinal);
        Assert.Empty(emulator.RequestsTo("/images"));
    }

    private static void PointAt(ImageServiceClientOptions options, Uri endpoint)
    {
        options.Endpoint = endpoint;
        options.SubscriptionId = "sub";
        options.ResourceGroup = "rg";
        options.Workspace = "ws";
        options.Credential = new StaticTokenCredential("token");
        options.BaseDelay = TimeSpan.FromMilliseconds(10); // the default timeouts: a loaded machine never reaches them
    }
}
