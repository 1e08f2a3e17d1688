using System;
using System.Net.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ImageService.Client.Tests.TestSupport;

/// <summary>Builds clients over the real standalone handler chain with a stub transport and fake time.</summary>
public sealed class TestClients
{
    public const string Endpoint = "https://images.example.test/";
    public const string Workspace = "/modelmanagement/v1.0/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/ws-1";

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public FakeCredential Credential { get; }

    public TestClients() => Credential = new FakeCredential(Time);

    public ImageServiceClientOptions Options(Action<ImageServiceClientOptions>? configure = null, ILoggerFactory? loggerFactory = null)
    {
        var options = new ImageServiceClientOptions { LoggerFactory = loggerFactory };
        Apply(options);
        configure?.Invoke(options);
        return options;
    }

    /// <summary>The test settings (endpoint, workspace, this fake credential and clock, no back-off), for a DI registration too.</summary>
    public void Apply(ImageServiceClientOptions options)
    {
        options.Endpoint = new Uri(Endpoint);
        options.SubscriptionId = "sub-1";
        options.ResourceGroup = "rg-1";
        options.Workspace = "ws-1";
        options.Credential = Credential;
        options.TimeProvider = Time;
        options.BaseDelay = TimeSpan.Zero;
    }

    public ImageServiceClient Create(TestHandlerStub stub, Action<ImageServiceClientOptions>? configure = null, ILoggerFactory? loggerFactory = null) =>
        new(Options(configure, loggerFactory), (HttpMessageHandler)stub);

    public TestHandlerStub Stub(Func<HttpRequestMessage, int, HttpResponseMessage> respond) => new(respond, Time);

    public static string ImageJson(string id = "img:1", string flavor = "WebApiContainer", string extra = "") =>
        $$"""{"id":"{{id}}","name":"{{id.Split(':')[0]}}","imageFlavor":"{{flavor}}"{{extra}}}""";
}
