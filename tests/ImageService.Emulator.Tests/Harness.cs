using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace ImageService.Emulator.Tests;

/// <summary>An emulator on 127.0.0.1 port 0 and an HttpClient aimed at its workspace with the right token.</summary>
internal sealed class Harness : IAsyncDisposable
{
    private Harness(ImageServiceEmulator emulator)
    {
        Emulator = emulator;
        Http = new HttpClient { BaseAddress = new Uri(emulator.WorkspaceUri.ToString().TrimEnd('/') + "/") };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", emulator.AccessToken);
    }

    public ImageServiceEmulator Emulator { get; }

    public HttpClient Http { get; }

    public static async Task<Harness> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { BuildStepDuration = TimeSpan.FromMilliseconds(5) };
        configure?.Invoke(options);
        return new Harness(await ImageServiceEmulator.StartAsync(options));
    }

    public static StringContent Json(string json, string mediaType = "application/json") => new(json, Encoding.UTF8, mediaType);

    public Task<HttpResponseMessage> CreateAsync(string name, string extra = "", string flavor = "WebApiContainer") =>
        Http.PostAsync("images", Json($$"""{"name":"{{name}}","imageFlavor":"{{flavor}}"{{extra}}}"""));

    /// <summary>Creates an image, waits for its build, and returns the final operation.</summary>
    public async Task<JsonNode> CreateAndWaitAsync(string name, string extra = "")
    {
        using var response = await CreateAsync(name, extra);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await WaitAsync(response.Headers.GetValues("Operation-Location").Single());
    }

    /// <summary>Polls the operation (bounded) until it is terminal.</summary>
    public async Task<JsonNode> WaitAsync(string operationLocation)
    {
        var clock = Stopwatch.StartNew();
        // A bound against a hang, not a speed: builds take a few steps, a loaded machine may stretch each a lot.
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            var operation = await GetJsonAsync(operationLocation);
            if (operation["state"]!.GetValue<string>() is "Succeeded" or "Failed" or "Cancelled" or "TimedOut")
            {
                return operation;
            }

            await Task.Delay(5);
        }

        throw new TimeoutException($"Operation {operationLocation} did not finish.");
    }

    public async Task<JsonNode> GetJsonAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} -> {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    public static async Task<JsonNode> ErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(expected, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var error = JsonNode.Parse(body)!;
        Assert.Equal((int)expected, error["statusCode"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(error["code"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        return error;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}
