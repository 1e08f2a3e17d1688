using System;
using System.Net;
using System.Threading.Tasks;
using ImageService.Client.Internal;
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
                case "FailureRatio":
                    o.CircuitBreakerEnabled = true;
                    o.CircuitBreakerFailureRatio = 1.5;
                    break;
                case "Origin": o.AdditionalAllowedOrigins.Add(new Uri("ftp://files.example/")); break;
                case "SubscriptionId": o.SubscriptionId = ""; break;
                case "Endpoint": o.Endpoint = null; break;
            }
        });

        var ex = Assert.Throws<OptionsValidationException>(() => new ImageServiceClient(options));

        Assert.Equal(expected, Assert.Single(ex.Failures));
    }

    [Fact]
    public async Task Constructor_HttpLoopbackEndpoint_IsAcceptedAndCalled()
    {
        var clients = new TestClients();
        var stub = clients.Stub((_, _) => TestHandlerStub.Json(HttpStatusCode.OK, TestClients.ImageJson()));
        ImageServiceClient client = clients.Create(stub, o => o.Endpoint = new Uri("http://localhost:5000"));

        await client.GetImageAsync("img:1");

        Assert.Equal("http://localhost:5000" + TestClients.Workspace + "/images/img%3A1", Assert.Single(stub.Requests).Uri.GetLeftPart(UriPartial.Path));
    }

    [Fact]
    public void Validate_EveryRangeAtItsBounds_Succeeds()
    {
        ImageServiceClientOptions options = new TestClients().Options(o =>
        {
            o.MaxRetryAttempts = ImageServiceClientOptions.MaxRetryAttemptsLimit;
            o.BaseDelay = TimeSpan.Zero;
            o.MaxDelay = TimeSpan.FromMilliseconds(1);
            o.AttemptTimeout = TimeSpan.FromMilliseconds(10);
            o.TotalRequestTimeout = TimeSpan.FromDays(1);
            o.CircuitBreakerEnabled = true; // so that the breaker's own ranges are checked too
            o.CircuitBreakerFailureRatio = 1;
            o.CircuitBreakerMinimumThroughput = 2;
            o.CircuitBreakerSamplingDuration = TimeSpan.FromDays(1);
            o.CircuitBreakerBreakDuration = TimeSpan.FromMilliseconds(500);
            o.PollingInterval = TimeSpan.FromMilliseconds(1);
            o.MinimumPollingInterval = TimeSpan.Zero;
            o.OperationTimeout = TimeSpan.FromDays(1);
            o.MaxResponseBytes = 2L * 1024 * 1024 * 1024;
        });

        ValidateOptionsResult result = new ImageServiceClientOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("CircuitBreakerFailureRatio", "ImageServiceClientOptions.CircuitBreakerFailureRatio (0) must be greater than 0 and at most 1.")]
    [InlineData("CircuitBreakerFailureRatioNaN", "ImageServiceClientOptions.CircuitBreakerFailureRatio (NaN) must be greater than 0 and at most 1.")]
    [InlineData("CircuitBreakerMinimumThroughput", "ImageServiceClientOptions.CircuitBreakerMinimumThroughput (1) must be at least 2.")]
    [InlineData("AttemptTimeout", "ImageServiceClientOptions.AttemptTimeout (00:00:00.0090000) must be between 00:00:00.0100000 and 1.00:00:00.")]
    [InlineData("OperationTimeout", "ImageServiceClientOptions.OperationTimeout (1.00:00:00.0010000) must be between 00:00:00.0010000 and 1.00:00:00.")]
    [InlineData("ResourceGroup", "ImageServiceClientOptions.ResourceGroup is required.")]
    [InlineData("CircuitBreakerBreakDuration", "ImageServiceClientOptions.CircuitBreakerBreakDuration (00:00:00.4990000) must be between 00:00:00.5000000 and 1.00:00:00.")]
    [InlineData("SamplingDuration", "ImageServiceClientOptions.CircuitBreakerSamplingDuration (00:00:59) must be at least twice AttemptTimeout (00:00:30).")]
    public void Validate_JustPastABound_FailsNamingOptionAndValue(string which, string expected)
    {
        ImageServiceClientOptions options = new TestClients().Options(o =>
        {
            switch (which)
            {
                case "CircuitBreakerFailureRatio": o.CircuitBreakerFailureRatio = 0; break;
                case "CircuitBreakerFailureRatioNaN": o.CircuitBreakerFailureRatio = double.NaN; break;
                case "CircuitBreakerMinimumThroughput": o.CircuitBreakerMinimumThroughput = 1; break;
                case "CircuitBreakerBreakDuration": o.CircuitBreakerBreakDuration = TimeSpan.FromMilliseconds(499); break;
                case "AttemptTimeout": o.AttemptTimeout = TimeSpan.FromMilliseconds(9); break;
                case "OperationTimeout": o.OperationTimeout = TimeSpan.FromDays(1) + TimeSpan.FromMilliseconds(1); break;
                case "ResourceGroup": o.ResourceGroup = " "; break;
                case "SamplingDuration": o.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(59); break;
            }

            o.CircuitBreakerEnabled = which.Contains("CircuitBreaker", StringComparison.Ordinal) || which == "SamplingDuration";
        });

        ValidateOptionsResult result = new ImageServiceClientOptionsValidator().Validate(null, options);

        Assert.Equal(expected, Assert.Single(result.Failures!));
    }

    [Fact]
    public void Constructor_AttemptTimeoutOf60sAloneWithTheBreakerOff_Constructs()
    {
        // The default CircuitBreakerSamplingDuration (60 s) is less than twice 60 s, but no breaker samples anything.
        ImageServiceClientOptions options = new TestClients().Options(o => o.AttemptTimeout = TimeSpan.FromSeconds(60));

        _ = new ImageServiceClient(options);
    }

    [Theory]
    [InlineData("CircuitBreakerFailureRatio")]
    [InlineData("CircuitBreakerMinimumThroughput")]
    [InlineData("CircuitBreakerSamplingDuration")]
    [InlineData("CircuitBreakerBreakDuration")]
    public void Validate_BreakerOnlyOptionOutOfRangeWithTheBreakerOff_SucceedsAndFailsOnceTheBreakerIsOn(string which)
    {
        ImageServiceClientOptions options = new TestClients().Options(o =>
        {
            switch (which)
            {
                case "CircuitBreakerFailureRatio": o.CircuitBreakerFailureRatio = 0; break;
                case "CircuitBreakerMinimumThroughput": o.CircuitBreakerMinimumThroughput = 1; break;
                case "CircuitBreakerSamplingDuration": o.CircuitBreakerSamplingDuration = TimeSpan.Zero; break;
                case "CircuitBreakerBreakDuration": o.CircuitBreakerBreakDuration = TimeSpan.Zero; break;
            }
        });
        var validator = new ImageServiceClientOptionsValidator();

        ValidateOptionsResult off = validator.Validate(null, options);
        options.CircuitBreakerEnabled = true;
        ValidateOptionsResult on = validator.Validate(null, options);

        Assert.True(off.Succeeded, off.FailureMessage);
        Assert.Contains(on.Failures!, f => f.StartsWith($"ImageServiceClientOptions.{which} (", StringComparison.Ordinal));
    }
}
