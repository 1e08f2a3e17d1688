using System;
using ImageService.Client.Tests.TestSupport;
using Microsoft.Extensions.Options;

namespace ImageService.Client.Tests;

public class ImageServiceClientOptionsTests
{
    [Theory]
    [InlineData("AttemptTimeout", "ImageServiceClientOptions.AttemptTimeout (00:02:00) must not be greater than TotalRequestTimeout (00:01:00).")]
    [InlineData("HttpEndpoint", "ImageServiceClientOptions.Endpoint ('http://images.example.test/') must use https; http is allowed only for a loopback host.")]
    [InlineData("MaxRetryAttempts", "ImageServiceClientOptions.MaxRetryAttempts (11) must be between 0 and 10.")]
    [InlineData("PollingInterval", "ImageServiceClientOptions.PollingInterval (00:00:00) must be between 00:00:00.0010000 and 1.00:00:00.")]
    [InlineData("BaseDelay", "ImageServiceClientOptions.BaseDelay (00:02:00) must not be greater than MaxDelay (00:01:00).")]
    [InlineData("MaxResponseBytes", "ImageServiceClientOptions.MaxResponseBytes (0) must be between 1 and 2147483648 (2 GiB).")]
    [InlineData("MinimumPollingInterval", "ImageServiceClientOptions.MinimumPollingInterval (-00:00:01) must be between 00:00:00 and 1.00:00:00.")]
    [InlineData("Workspace", "ImageServiceClientOptions.Workspace ('..') must not be '.' or '..'.")]
    [InlineData("FailureRatio", "ImageServiceClientOptions.CircuitBreakerFailureRatio (1.5) must be greater than 0 and at most 1.")]
    [InlineData("Origin", "ImageServiceClientOptions.AdditionalAllowedOrigins[0] ('ftp://files.example/') must be an absolute http or https URI.")]
    [InlineData("SubscriptionId", "ImageServiceClientOptions.SubscriptionId is required.")]
    [InlineData("Endpoint", "ImageServiceClientOptions.Endpoint is required.")]
    public void Constructor_InvalidOption_ThrowsNamingOptionAndValue(string which, string expected)
    {
        var clients = new TestClients();
        ImageServiceClientOptions options = clients.Options(o =>
        {
            switch (which)
            {
                case "AttemptTimeout":
                    o.AttemptTimeout = TimeSpan.FromMinutes(2);
                    o.TotalRequestTimeout = TimeSpan.FromMinutes(1);
                    o.CircuitBreakerSamplingDuration = TimeSpan.FromMinutes(5);
                    break;
                case "HttpEndpoint": o.Endpoint = new Uri("http://images.example.test/"); break;
                case "MaxRetryAttempts": o.MaxRetryAttempts = 11; break;
                case "PollingInterval": o.PollingInterval = TimeSpan.Zero; break;
                case "BaseDelay": o.BaseDelay = TimeSpan.FromMinutes(2); break;
                case "MaxResponseBytes": o.MaxResponseBytes = 0; break;
                case "MinimumPollingInterval": o.MinimumPollingInterval = TimeSpan.FromSeconds(-1); break;
                case "Workspace": o.Workspace = ".."; break;
                case "FailureRatio": o.CircuitBreakerFailureRatio = 1.5; break;
                case "Origin": o.AdditionalAllowedOrigins.Add(new Uri("ftp://files.example/")); break;
                case "SubscriptionId": o.SubscriptionId = ""; break;
                case "Endpoint": o.Endpoint = null; break;
            }
        });

        var ex = Assert.Throws<OptionsValidationException>(() => new ImageServiceClient(options));

        Assert.Equal(expected, Assert.Single(ex.Failures));
    }

    [Fact]
    public void Constructor_HttpLoopbackEndpoint_IsAccepted()
    {
        var clients = new TestClients();

        _ = new ImageServiceClient(clients.Options(o => o.Endpoint = new Uri("http://localhost:5000")));
    }

    [Fact]
    public void Constructor_ValidOptions_DoesNotThrow()
    {
        _ = new ImageServiceClient(new TestClients().Options());
    }
}
