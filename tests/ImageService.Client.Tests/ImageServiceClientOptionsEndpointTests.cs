using System;
using ImageService.Client.Tests.TestSupport;
using Microsoft.Extensions.Options;

namespace ImageService.Client.Tests;

/// <summary>An endpoint that already holds the service's path is refused with the endpoint (and workspace) to use.</summary>
public class ImageServiceClientOptionsEndpointTests
{
    [Theory]
    [InlineData(
        "http://127.0.0.1:5080/modelmanagement/v1.0/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/emulator-rg/providers/Microsoft.MachineLearningServices/workspaces/emulator-ws",
        "use Endpoint 'http://127.0.0.1:5080/', with SubscriptionId '00000000-0000-0000-0000-000000000000', ResourceGroup 'emulator-rg' and Workspace 'emulator-ws'.")]
    [InlineData(
        "https://westus.api.azureml.ms/modelmanagement/v1.0/subscriptions/sub/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/images",
        "use Endpoint 'https://westus.api.azureml.ms/', with SubscriptionId 'sub', ResourceGroup 'rg' and Workspace 'ws'.")]
    [InlineData("https://proxy.example.test/aml/ModelManagement/v1.0/", "use Endpoint 'https://proxy.example.test/aml/'.")]
    public void Constructor_EndpointWithTheServicePath_ThrowsNamingTheEndpointToUse(string endpoint, string expectedEnd)
    {
        ImageServiceClientOptions options = new TestClients().Options(o => o.Endpoint = new Uri(endpoint));

        var ex = Assert.Throws<OptionsValidationException>(() => new ImageServiceClient(options));

        string failure = Assert.Single(ex.Failures);
        Assert.StartsWith($"ImageServiceClientOptions.Endpoint ('{new Uri(endpoint)}') already contains the service's path", failure, StringComparison.Ordinal);
        Assert.EndsWith(expectedEnd, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://westus.api.azureml.ms/")]
    [InlineData("https://proxy.example.test/aml/")]
    [InlineData("https://proxy.example.test/modelmanagementproxy/")]
    public void Constructor_EndpointWithoutTheServicePath_IsAccepted(string endpoint)
    {
        ImageServiceClientOptions options = new TestClients().Options(o => o.Endpoint = new Uri(endpoint));

        _ = new ImageServiceClient(options);
    }
}
