using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace ImageService.Emulator.Api;

/// <summary>
/// The models routes. They are not in openapi/images.yaml (it only has the Model schema), so this controller is
/// hand-written: just enough to register the models that images reference. Its records are the spec's Model.
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
        Ok(new { value = Store.Models().Where(m => name is null || m.Name == name).Select(WireShapes.Model).ToList() });

    /// <summary>Gets a model by id (<c>name:version</c>).</summary>
    /// <param name="id">The model id.</param>
    /// <returns>The model, or 404.</returns>
    [HttpGet("{id}")]
    public IActionResult Get(string id) =>
        Store.FindModel(id) is { } model
            ? Ok(WireShapes.Model(model))
            : Errors.Result(404, "NotFound", $"Model {id} not found.", "id", "ModelNotFound");

    /// <summary>Registers a model: the version is the last version of that name plus one.</summary>
    /// <param name="body">The Model (name, url and mimeType are required).</param>
    /// <returns>The registered model.</returns>
    [HttpPost("")]
    public async Task<IActionResult> Register([FromBody] Model? body)
    {
        if (body is null)
        {
            return Errors.BadArgument("body", "The request body must be a Model (name, url and mimeType are required).", "InvalidModel");
        }

        foreach (var (field, value) in new[] { ("name", body.Name), ("url", body.Url), ("mimeType", body.MimeType) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return Errors.BadArgument(field, $"{field} is required: a model needs name, url and mimeType.", "InvalidModel");
            }
        }

        if ((Maps.Invalid(body.KvTags, "kvTags") ?? Maps.Invalid(body.Properties, "properties")) is { } invalidMap)
        {
            return invalidMap;
        }

        return Ok(WireShapes.Model(await Store.AddModelAsync(body, EmulatorUsers.Member, HttpContext.RequestAborted)));
    }
}
