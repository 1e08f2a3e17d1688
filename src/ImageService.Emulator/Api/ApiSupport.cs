using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ImageService.Emulator.Contracts;
using ImageService.Emulator.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ImageService.Emulator.Api;

/// <summary>Builds ModelErrorResponse answers, for MVC actions and for middleware.</summary>
internal static class Errors
{
    public static ActionResult Result(int status, string code, string message, string? target = null, string? detailCode = null) =>
        new ContentResult { StatusCode = status, ContentType = "application/json; charset=utf-8", Content = Json(status, code, message, target, detailCode, null) };

    public static string Json(int status, string code, string message, string? target, string? detailCode, string? requestId)
    {
        var body = new ModelErrorResponse { Code = code, StatusCode = status, Message = message };
        if (target is not null || detailCode is not null)
        {
            body.Details = [new ErrorDetails { Code = detailCode ?? code, Message = message, Target = target }];
        }

        if (requestId is not null)
        {
            body.Correlation = new Dictionary<string, string> { ["RequestId"] = requestId };
        }

        return JsonConvert.SerializeObject(body);
    }

    public static async Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        string requestId = context.Request.Headers["x-ms-client-request-id"].FirstOrDefault() ?? context.TraceIdentifier;
        await context.Response.WriteAsync(Json(status, code, message, null, null, requestId), context.RequestAborted);
    }
}

/// <summary>What the implementations need from the current request: base URL, workspace prefix, request id.</summary>
internal sealed class RequestContext(IHttpContextAccessor accessor)
{
    public HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No current request.");

    public string BaseUrl => $"{Http.Request.Scheme}://{Http.Request.Host}{Http.Request.PathBase}";

    public string RequestId => Http.Request.Headers["x-ms-client-request-id"].FirstOrDefault() ?? Guid.NewGuid().ToString();

    public static string WorkspacePrefix(string subscriptionId, string resourceGroup, string workspace) =>
        $"/modelmanagement/v1.0/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/{workspace}";

    /// <summary>The absolute URL of the next page: this request's URL with <c>$skipToken</c> replaced.</summary>
    public string NextLink(string skipToken)
    {
        var query = Http.Request.Query
            .Where(q => !string.Equals(q.Key, "$skipToken", StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new KeyValuePair<string, string?>("$skipToken", skipToken));
        var builder = new StringBuilder(BaseUrl).Append(Http.Request.Path.ToUriComponent());
        char separator = '?';
        foreach (var (key, value) in query)
        {
            builder.Append(separator).Append(Uri.EscapeDataString(key).Replace("%24", "$", StringComparison.Ordinal)).Append('=').Append(Uri.EscapeDataString(value ?? ""));
            separator = '&';
        }

        return builder.ToString();
    }

    public void AcceptedWithOperation(string workspacePrefix, string operationId)
    {
        Http.Response.Headers["Operation-Location"] = $"{BaseUrl}{workspacePrefix}/operations/{operationId}";
    }
}

/// <summary>Rejects requests for another workspace (404) and requests whose body or parameters did not bind (400).</summary>
internal sealed class WorkspaceAndModelStateFilter(EmulatorOptions options) : IActionFilter
{
    public void OnActionExecuting(ActionExecutingContext context)
    {
        var values = context.RouteData.Values;
        if (values.TryGetValue("workspace", out var workspace)
            && (!Same(values.GetValueOrDefault("subscriptionId"), options.SubscriptionId)
                || !Same(values.GetValueOrDefault("resourceGroup"), options.ResourceGroup)
                || !Same(workspace, options.Workspace)))
        {
            context.Result = Errors.Result(404, "WorkspaceNotFound",
                $"The workspace {values.GetValueOrDefault("subscriptionId")}/{values.GetValueOrDefault("resourceGroup")}/{workspace} does not exist; the emulator serves {options.SubscriptionId}/{options.ResourceGroup}/{options.Workspace}.");
            return;
        }

        if (!context.ModelState.IsValid)
        {
            var (key, entry) = context.ModelState.First(e => e.Value is { Errors.Count: > 0 });
            var error = entry!.Errors[0];
            string message = string.IsNullOrEmpty(error.ErrorMessage) ? error.Exception?.Message ?? "Invalid request." : error.ErrorMessage;
            context.Result = Errors.Result(400, "BadArgument", $"The request is invalid: {message}", string.IsNullOrEmpty(key) ? "body" : key, "InvalidRequest");
        }
    }

    public void OnActionExecuted(ActionExecutedContext context)
    {
    }

    private static bool Same(object? routeValue, string expected) => string.Equals(routeValue as string, expected, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Filters of the list calls and keyset continuation tokens.</summary>
internal static class Listing
{
    public static IReadOnlyList<(string Key, string? Value)>? ParseFilter(string? filter) =>
        string.IsNullOrWhiteSpace(filter)
            ? null
            : [.. filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(entry => entry.Split('=', 2) is var parts && parts.Length == 2 ? (parts[0].Trim(), (string?)parts[1].Trim()) : (entry, null))];

    public static bool Matches(IReadOnlyDictionary<string, string> map, IReadOnlyList<(string Key, string? Value)>? filter) =>
        filter is null || filter.All(f => map.TryGetValue(f.Key, out var value) && (f.Value is null || value == f.Value));

    public static string Token(long ticks, long sequence) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ticks.ToString(CultureInfo.InvariantCulture)}.{sequence.ToString(CultureInfo.InvariantCulture)}"));

    public static bool TryParseToken(string token, out long ticks, out long sequence)
    {
        ticks = sequence = 0;
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('.');
            return parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out ticks)
                && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out sequence);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Orders by the key, then pages with a keyset token so that a chain of nextLinks returns each item once.</summary>
    public static (List<T> Page, string? NextToken, string? Error) Page<T>(
        IEnumerable<T> items, Func<T, long> ticks, Func<T, long> sequence, bool descending, int? count, string? skipToken)
    {
        if (count is < 1)
        {
            return ([], null, "count must be at least 1.");
        }

        var ordered = descending
            ? items.OrderByDescending(ticks).ThenByDescending(sequence)
            : items.OrderBy(ticks).ThenBy(sequence);
        IEnumerable<T> rest = ordered;
        if (!string.IsNullOrEmpty(skipToken))
        {
            if (!TryParseToken(skipToken, out long t, out long s))
            {
                return ([], null, "The $skipToken is not a token this service issued.");
            }

            rest = descending
                ? ordered.Where(i => ticks(i) < t || (ticks(i) == t && sequence(i) < s))
                : ordered.Where(i => ticks(i) > t || (ticks(i) == t && sequence(i) > s));
        }

        int size = count ?? 100;
        var page = rest.Take(size + 1).ToList();
        string? next = null;
        if (page.Count > size)
        {
            page.RemoveAt(size);
            var last = page[^1];
            next = Token(ticks(last), sequence(last));
        }

        return (page, next, null);
    }
}

/// <summary>Writes images and models in the wire shape of the spec (every key the azureml SDK requires is present).</summary>
internal static class WireFormat
{
    public static JObject Image(ImageRecord image, Func<string, ModelRecord?>? expand)
    {
        var json = new JObject
        {
            ["id"] = image.Id,
            ["name"] = image.Name,
            ["version"] = image.Version,
            ["description"] = image.Description,
            ["kvTags"] = JObject.FromObject(image.KvTags),
            ["properties"] = JObject.FromObject(image.Properties),
            ["createdTime"] = image.CreatedTime,
            ["modifiedTime"] = image.ModifiedTime,
            ["autoDelete"] = false,
            ["imageType"] = image.ImageType,
            ["imageFlavor"] = image.ImageFlavor,
            ["creationState"] = image.CreationState,
            ["modelIds"] = new JArray(image.ModelIds),
            ["imageLocation"] = image.ImageLocation,
            ["imageBuildLogUri"] = image.ImageBuildLogUri,
            ["operationId"] = image.OperationId,
        };
        if (image.Error is not null)
        {
            json["error"] = image.Error.DeepClone();
        }

        if (expand is not null)
        {
            json["modelDetails"] = new JArray(image.ModelIds.Select(expand).Where(m => m is not null).Select(m => m!.Body.DeepClone()));
        }

        if (!string.Equals(image.ImageFlavor, "AccelContainer", StringComparison.OrdinalIgnoreCase))
        {
            json["driverProgram"] = image.DriverProgram;
            json["assets"] = image.Assets?.DeepClone() ?? new JArray();
            json["targetRuntime"] = image.TargetRuntime?.DeepClone() ?? new JObject { ["runtimeType"] = "Python", ["properties"] = new JObject() };
            json["dockerFileUri"] = image.DockerFileUri;
            json["generatedDockerFileUri"] = image.GeneratedDockerFileUri;
        }

        return json;
    }

    public static ContentResult Content(JToken json, int status = 200) =>
        new() { StatusCode = status, ContentType = "application/json; charset=utf-8", Content = WithoutNulls(json).ToString(Formatting.None) };

    /// <summary>
    /// Drops properties whose value is null (an image with no description, a failed build with no imageLocation): the
    /// spec marks no response property nullable, so an absent property is the conforming way to say "none".
    /// </summary>
    private static JToken WithoutNulls(JToken json)
    {
        JToken copy = json.DeepClone();
        foreach (JProperty property in (copy is JContainer container ? container.Descendants() : []).OfType<JProperty>().Where(p => p.Value is JValue { Value: null }).ToList())
        {
            property.Remove();
        }

        return copy;
    }
}
