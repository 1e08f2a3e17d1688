using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ImageService.Emulator.Api;

/// <summary>
/// Answers 400 <c>BadArgument</c> naming the first property a request body lacks that openapi/images.yaml requires, at
/// any depth (<c>name</c>, <c>baseImageRegistryInfo.user</c>, <c>assets[0].id</c>), as the service refuses such a
/// request. What is required comes from the spec through the DTOs generated from it: NSwag marks a required property
/// <c>Required.DisallowNull</c> (present, not null) where an optional one is <c>Required.Default</c>, so a property the
/// spec makes required is checked here with no hand edit. Json.NET itself lets an absent one through, and a value type
/// would bind as its default; so the check reads the body as sent (RequestBodyFilter keeps it buffered).
/// </summary>
internal sealed class RequiredPropertiesFilter : IAsyncActionFilter
{
    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var body = context.ActionDescriptor.Parameters.FirstOrDefault(p => p.BindingInfo?.BindingSource == BindingSource.Body);
        var request = context.HttpContext.Request;
        if (body is not null && context.ModelState.IsValid && request.Body.CanSeek && request.Body.Length > 0)
        {
            request.Body.Seek(0, SeekOrigin.Begin);
            using var reader = new StreamReader(request.Body, leaveOpen: true);
            JToken sent;
            try
            {
                sent = JToken.Parse(await reader.ReadToEndAsync(context.HttpContext.RequestAborted));
            }
            catch (JsonReaderException)
            {
                sent = JValue.CreateNull(); // binding already answered for a body that is not JSON
            }

            if (FirstMissing(sent, body.ParameterType, path: null) is { } missing)
            {
                context.Result = Errors.BadArgument(missing.Path,
                    $"{missing.Path} is required: {missing.Owner} requires '{missing.Name}' (openapi/images.yaml), and the request does not send it.", "MissingRequiredProperty");
                return;
            }
        }

        await next();
    }

    private sealed record Missing(string Path, string Owner, string Name);

    /// <summary>The first required property the JSON lacks where it holds a <paramref name="type"/>, or null.</summary>
    private static Missing? FirstMissing(JToken token, Type type, string? path)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (token is JArray array && ElementType(type) is { } element)
        {
            for (int i = 0; i < array.Count; i++)
            {
                if (FirstMissing(array[i], element, $"{path}[{i}]") is { } missing)
                {
                    return missing;
                }
            }

            return null;
        }

        if (token is not JObject json || type.Namespace != typeof(DockerImageRequest).Namespace)
        {
            return null; // a scalar, or a map of values the spec declares no properties for
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonPropertyAttribute>() is not { PropertyName: { } name } attribute)
            {
                continue;
            }

            string at = path is null ? name : $"{path}.{name}";
            if (!json.TryGetValue(name, StringComparison.Ordinal, out var value))
            {
                if (attribute.Required != Required.Default)
                {
                    return new Missing(at, type.Name, name);
                }

                continue;
            }

            if (DictionaryValueType(property.PropertyType) is { } values && value is JObject map)
            {
                foreach (var entry in map.Properties())
                {
                    if (FirstMissing(entry.Value, values, $"{at}.{entry.Name}") is { } missing)
                    {
                        return missing;
                    }
                }
            }
            else if (FirstMissing(value, property.PropertyType, at) is { } missing)
            {
                return missing;
            }
        }

        return null;
    }

    private static Type? ElementType(Type type) =>
        type == typeof(string) || DictionaryValueType(type) is not null
            ? null
            : type.IsArray ? type.GetElementType() : Generic(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Type? DictionaryValueType(Type type) => Generic(type, typeof(IDictionary<,>))?.GetGenericArguments()[1];

    private static Type? Generic(Type type, Type definition) =>
        new[] { type }.Concat(type.GetInterfaces()).FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == definition);
}
