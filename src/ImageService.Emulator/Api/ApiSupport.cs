using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ImageService.Emulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Net.Http.Headers;
using Newtonsoft.Json;

namespace ImageService.Emulator.Api;

/// <summary>Builds ModelErrorResponse answers, for MVC actions and for middleware.</summary>
internal static class Errors
{
    public static ActionResult Result(int status, string code, string message, string? target = null, string? detailCode = null) =>
        new ContentResult { StatusCode = status, ContentType = "application/json; charset=utf-8", Content = Json(status, code, message, target, detailCode, null) };

    /// <summary>A 400 <c>BadArgument</c> that names the field in <c>details[0].target</c> and says what is wrong with it.</summary>
    public static ActionResult BadArgument(string target, string message, string detailCode) => Result(400, "BadArgument", message, target, detailCode);

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

        return WireJson.Serialize(body);
    }

    public static async Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        string requestId = RequestHeaderValues.ClientRequestId(context) ?? context.TraceIdentifier;
        await context.Response.WriteAsync(Json(status, code, message, null, null, requestId), context.RequestAborted);
    }
}

/// <summary>What the implementations need from the current request: base URL, workspace prefix, request id.</summary>
internal sealed class CurrentApiRequest(IHttpContextAccessor accessor)
{
    public HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No current request.");

    public string BaseUrl => $"{Http.Request.Scheme}://{Http.Request.Host}{Http.Request.PathBase}";

    public string RequestId => RequestHeaderValues.ClientRequestId(Http) ?? Guid.NewGuid().ToString();

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
internal sealed class WorkspaceAndModelStateFilter(EmulatorOptions options) : IAsyncActionFilter
{
    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
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
            context.Result = BindingError(context.ModelState);
            return;
        }

        await next();
    }

    /// <summary>
    /// The first binding failure as a 400 that names the field and the problem. The body is valid JSON by now
    /// (<see cref="RequestBodyFilter"/> refused any other), so a failure is a value of the wrong type in its field (the
    /// JSON path, for example <c>name</c> or <c>kvTags.k</c>), or a body of the wrong shape.
    /// </summary>
    private static ActionResult BindingError(ModelStateDictionary modelState)
    {
        var (key, error) = modelState.Where(e => e.Value is { Errors.Count: > 0 })
            .SelectMany(e => e.Value!.Errors.Select(error => (e.Key, Error: error)))
            .OrderBy(f => string.IsNullOrEmpty(f.Key))
            .First();
        if (string.IsNullOrEmpty(key) || key == "body")
        {
            return Errors.BadArgument("body", $"The request body is invalid: {Describe(error)}", "InvalidRequest");
        }

        return Errors.BadArgument(key, $"The value of '{key}' is invalid: {Describe(error)}", "InvalidValue");
    }

    private static string Describe(ModelError error)
    {
        var cause = error.Exception is InputFormatterException { InnerException: { } inner } ? inner : error.Exception;
        return string.IsNullOrEmpty(error.ErrorMessage) ? cause?.Message ?? "invalid value." : error.ErrorMessage;
    }

    private static bool Same(object? routeValue, string expected) => string.Equals(routeValue as string, expected, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Why the service refuses a request: a 400 <c>BadArgument</c> naming the field (<c>details[0].target</c>).</summary>
internal sealed record Refusal(string Target, string Message, string DetailCode)
{
    public ActionResult ToResult() => Errors.BadArgument(Target, Message, DetailCode);
}

/// <summary>Checks of the string maps of a request (tags, properties).</summary>
internal static class Maps
{
    /// <summary>A 400 naming the entry (<c>kvTags.k</c>) when a key is empty or a value is null, else null.</summary>
    public static ActionResult? Invalid(IDictionary<string, string>? map, string field) => Refusal(map, field)?.ToResult();

    /// <summary>Why the map is refused (a key is empty or a value is null), or null.</summary>
    public static Refusal? Refusal(IDictionary<string, string>? map, string field)
    {
        foreach (var (key, value) in map ?? new Dictionary<string, string>())
        {
            if (key.Length == 0)
            {
                return new Refusal(field, $"{field} has an empty key: keys must be non-empty strings.", "InvalidKey");
            }

            if (value is null)
            {
                return new Refusal($"{field}.{key}", $"{field}.{key} is null: values must be strings (remove the key instead).", "InvalidValue");
            }
        }

        return null;
    }
}

/// <summary>Filters of the list calls and keyset continuation tokens.</summary>
internal static class Listing
{
    public static IReadOnlyList<(string Key, string? Value)>? ParseFilter(string? filter) =>
        string.IsNullOrWhiteSpace(filter)
            ? null
            : [.. filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(entry => entry.Split('=', 2) is var parts && parts.Length == 2 ? (parts[0].Trim(), (string?)parts[1].Trim()) : (entry, null))];

    public static bool Matches(IReadOnlyDictionary<string, string>? map, IReadOnlyList<(string Key, string? Value)>? filter) =>
        filter is null || (map is not null && filter.All(f => map.TryGetValue(f.Key, out var value) && (f.Value is null || value == f.Value)));

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
        // One more than the page tells whether there is a next page; at int.MaxValue there cannot be one (and size + 1
        // would overflow into a negative count, an empty page with no nextLink).
        var page = rest.Take(size == int.MaxValue ? size : size + 1).ToList();
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
