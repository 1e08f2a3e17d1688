#region Snippet:GettingStarted
// Program.cs: create an image and wait for its build, find it by tag, tag it, read it back, delete it.
// As is, it talks to the local emulator: start it first with `dotnet run --project src/ImageService.Emulator` in the
// SDK's repository. Another endpoint can be given as the first argument.
using System;
using System.Collections.Generic;
using Azure.Core;
using ImageService.Client;
using Microsoft.Extensions.Options;

try
{
    // The options are checked here, before any request: a mistake (an http:// endpoint on another machine, an endpoint
    // that already holds the workspace's path, a missing setting) throws OptionsValidationException, which names it.
    var client = new ImageServiceClient(new ImageServiceClientOptions
    {
        Endpoint = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:5080/"),
        SubscriptionId = "00000000-0000-0000-0000-000000000000",
        ResourceGroup = "emulator-rg",
        Workspace = "emulator-ws",
        // The emulator accepts this one token. Against Azure, use new DefaultAzureCredential() from Azure.Identity.
        Credential = DelegatedTokenCredential.Create((_, _) => new AccessToken("emulator-token", DateTimeOffset.MaxValue)),
    });

    // A new request is a WebApiContainer Docker image; name it and say what goes in it.
    var request = new DockerImageRequest
    {
        Name = "getting-started",
        Description = "My first image",
        ModelIds = ["sklearn-model:1"],
        KvTags = new Dictionary<string, string> { ["team"] = "forecasting" },
    };

    // The service answers at once and builds in the background; the operation's id is enough to resume the wait later.
    CreateImageOperation operation = await client.StartCreateImageAsync(request);
    Console.WriteLine($"create: operation {operation.Id} started");
    ImageResponseBase image = await operation.WaitForCompletionAsync();
    Console.WriteLine($"create: {image.Id} {image.CreationState}");

    // Pages are fetched as the loop needs them.
    await foreach (ImageResponseBase listed in client.ListImagesAsync(new ImageListOptions { Tags = { ["team"] = "forecasting" } }))
    {
        Console.WriteLine($"list: {listed.Id} tagged team=forecasting");
    }

    ImageResponseBase tagged = await client.AddTagsAsync(image.Id!, new Dictionary<string, string> { ["stage"] = "approved" });
    Console.WriteLine($"update: {tagged.Id} tagged stage={tagged.KvTags!["stage"]}, team={tagged.KvTags["team"]}");

    ImageResponseBase readBack = await client.GetImageAsync(image.Id!);
    Console.WriteLine($"get: {readBack.Id} is a {readBack.ImageFlavor} image at {readBack.ImageLocation}");

    bool deleted = await client.DeleteImageAsync(image.Id!);
    Console.WriteLine($"delete: {image.Id} {(deleted ? "deleted" : "was already gone")}");
    return 0;
}
catch (UriFormatException)
{
    Console.Error.WriteLine($"Invalid input: '{args[0]}' is not an absolute URL such as http://127.0.0.1:5080/.");
    return 2;
}
catch (Exception ex) when (ex is OptionsValidationException or ArgumentException)
{
    // A mistake in the options or in an argument of a call: that call sent nothing, and the message names the mistake.
    Console.Error.WriteLine($"Invalid input: {ex.Message}");
    return 2;
}
catch (ImageServiceException ex)
{
    // Every failure of the service or the network, after the client's retries; the message says what happened.
    Console.Error.WriteLine($"The image service call failed: {ex.Message}");
    return 1;
}
#endregion
