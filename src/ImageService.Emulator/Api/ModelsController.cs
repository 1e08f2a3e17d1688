using System;
using System.Linq;
using ImageService.Emulator.Store;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace ImageService.Emulator.Api;

/// <summary>
/// The models routes. They are not in openapi/images.yaml (it only has the Model schema), so this controller is
/// hand-written: just enough to register the models that images reference.
/// </summary>
[Route("modelmanagement/v1.0/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/{workspace}/models")]
public sealed class ModelsController : ControllerBase
{
    private EmulatorStore Store => HttpContext.RequestServices.GetRequiredService<EmulatorStore>();

    /// <summary>Lists the models, optionally of one name.</summary>
    /// <param name="name">The model name.</param>
    /// <returns>A page with every matching model.</returns>
    [HttpGet("")]
    public IActionResult List([FromQuery] string? name) =>
        WireFormat.Content(new JObject { ["value"] = new JArray(Store.Models().Where(m => name is null || m.Name == name).Select(m => m.Body.DeepClone())) });

    /// <summary>Gets a model by id (<c>name:version</c>).</summary>
    /// <param name="id">The model id.</param>
    /// <returns>The model, or 404.</returns>
    [HttpGet("{id}")]
    public IActionResult Get(string id) =>
        Store.FindModel(id) is { } model
            ? WireFormat.Content(model.Body.DeepClone())
            : Errors.Result(404, "NotFound", $"Model {id} not found.", "id", "ModelNotFound");

    /// <summary>Registers a model: the version is the last version of that name plus one.</summary>
    /// <param name="body">The Model (name, url and mimeType are required).</param>
    /// <returns>The registered model.</returns>
    [HttpPost("")]
    public IActionResult Register([FromBody] JObject? body)
    {
        string? name = body?.Value<string>("name");
        if (body is null || string.IsNullOrWhiteSpace(name) || string.IsNullOrEmpty(body.Value<string>("url")) || string.IsNullOrEmpty(body.Value<string>("mimeType")))
        {
            return Errors.Result(400, "BadArgument", "A model needs name, url and mimeType.", "body", "InvalidModel");
        }

        var model = Store.AddModel(name, (JObject)body.DeepClone());
        return WireFormat.Content(model.Body.DeepClone());
    }
}
