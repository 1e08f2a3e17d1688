using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Client.Diagnostics;
using ImageService.Client.Internal;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;

namespace ImageService.Client;

/// <summary>
/// The client of the image service: get, list, create (a long-running build), update and delete images, and their
/// profiles. Thread-safe; create one per endpoint and reuse it.
/// </summary>
/// <remarks>
/// Every failure surfaces as <see cref="ImageServiceException"/>; a cancellation requested through a method's
/// <see cref="CancellationToken"/> surfaces as <see cref="OperationCanceledException"/>.
/// </remarks>
public class ImageServiceClient
{
    private const string OperationLocationHeader = "Operation-Location";

    private readonly ImageServiceRestClient _rest = null!;
    private readonly HttpClient _http = null!;
    private readonly Uri _baseAddress = null!;
    private readonly string _subscriptionId = null!;
    private readonly string _resourceGroup = null!;
    private readonly string _workspace = null!;
    private readonly ImageServiceClientOptions _options = null!;
    private readonly OriginPolicy _origins = null!;
    private readonly TimeProvider _timeProvider = null!;
    private readonly ILogger _logger = null!;

    /// <summary>Initializes a new instance of the <see cref="ImageServiceClient"/> class for mocking.</summary>
    protected ImageServiceClient()
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="ImageServiceClient"/> class that owns a pooled <see cref="HttpClient"/>
    /// with the same handler chain as <c>services.AddImageServiceClient</c>.
    /// </summary>
    /// <param name="options">The options; validated here.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid; the message names the option and its value.</exception>
    public ImageServiceClient(ImageServiceClientOptions options)
        : this(ValidatedOptions.Validate(options), ImageServiceHttpPipeline.CreateTransport())
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="ImageServiceClient"/> class over an <see cref="HttpClient"/> built
    /// by <c>IHttpClientFactory</c> through <c>services.AddImageServiceClient</c> (which adds the handler chain).
    /// </summary>
    /// <param name="httpClient">The HTTP client. It is not changed: requests go to <see cref="ImageServiceClientOptions.Endpoint"/>, whatever its <see cref="HttpClient.BaseAddress"/>.</param>
    /// <param name="options">The options; validated here.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid; the message names the option and its value.</exception>
    public ImageServiceClient(HttpClient httpClient, ImageServiceClientOptions options)
        : this(httpClient, ValidatedOptions.Validate(options))
    {
    }

    /// <summary>The standalone chain over a given transport (tests put a stub there).</summary>
    internal ImageServiceClient(ImageServiceClientOptions options, HttpMessageHandler transport)
        : this(ValidatedOptions.Validate(options), transport)
    {
    }

    /// <summary>Over options validated once, by the caller's constructor or by <c>IOptionsMonitor</c>.</summary>
    internal ImageServiceClient(HttpClient httpClient, ValidatedOptions validated)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ImageServiceClientOptions options = validated.Value;
        _options = options;
        _baseAddress = ImageServiceHttpPipeline.NormalizeEndpoint(options.Endpoint!);
        _http = httpClient;
        _rest = new FacadeRestClient(httpClient, _baseAddress);
        _subscriptionId = options.SubscriptionId!;
        _resourceGroup = options.ResourceGroup!;
        _workspace = options.Workspace!;
        _origins = new OriginPolicy(options);
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _logger = (options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger(ImageServiceHttpPipeline.LoggerCategory);
    }

    private ImageServiceClient(ValidatedOptions validated, HttpMessageHandler transport)
        : this(CreateOwnedHttpClient(validated.Value, transport), validated)
    {
    }

    /// <summary>Gets an image by id.</summary>
    /// <param name="imageId">The image id, <c>name:version</c>.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The image: a <see cref="DockerImageResponse"/> or <see cref="FPGADockerImageResponse"/> when the flavor is known.</returns>
    /// <exception cref="ImageServiceException">The image does not exist (status 404) or the call failed.</exception>
    /// <remarks>
    /// <c>GetImageAsync(id)</c> binds to the overload with <see cref="ImageGetOptions"/>; this one, without a default
    /// value, keeps the signature that code compiled against earlier versions calls.
    /// </remarks>
    public virtual Task<ImageResponseBase> GetImageAsync(string imageId, CancellationToken cancellationToken) =>
        GetImageAsync(imageId, null, cancellationToken);

    /// <summary>Gets an image by id, with options (for example <see cref="ImageGetOptions.Expand"/>).</summary>
    /// <param name="imageId">The image id, <c>name:version</c>.</param>
    /// <param name="options">What to ask the service for; null asks for the image alone.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The image: a <see cref="DockerImageResponse"/> or <see cref="FPGADockerImageResponse"/> when the flavor is known.</returns>
    /// <exception cref="ImageServiceException">The image does not exist (status 404) or the call failed.</exception>
    public virtual Task<ImageResponseBase> GetImageAsync(string imageId, ImageGetOptions? options = null, CancellationToken cancellationToken = default)
    {
        PathSegment.ThrowIfInvalid(imageId);

        // Every option is passed on by ImageGetOptions.InvokeAsync, which is generated from the spec.
        return options is null
            ? RunAsync("GetImage", imageId, ct => GetImageResponseAsync(imageId, ct), response => AnswerIdentity.Image(response.Result, imageId, response.StatusCode), cancellationToken)
            : RunAsync("GetImage", imageId, ct => options.InvokeAsync(_rest, _subscriptionId, _resourceGroup, _workspace, imageId, ct), response => AnswerIdentity.Image(response.Result, imageId, response.StatusCode), cancellationToken);
    }

    /// <summary>Lists images lazily, following the service's <c>nextLink</c>.</summary>
    /// <param name="filter">Filters, order and page size; null lists every image. Read when each first page is requested.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The images; use <see cref="ImageServicePageable{T}.AsPages"/> for pages and continuation tokens.</returns>
    /// <exception cref="ArgumentException">A tag or property filter entry cannot be expressed in the service's filter grammar (see <see cref="FilteredListOptions.Tags"/>).</exception>
    public virtual ImageServicePageable<ImageResponseBase> ListImagesAsync(ImageListOptions? filter = null, CancellationToken cancellationToken = default)
    {
        // A filter the service cannot express is refused here, before any request, not when the listing is enumerated.
        filter?.ThrowIfNotExpressible(nameof(filter));
        return new FuncPageable<ImageResponseBase>(
            (token, pageSize, ct) => RunAsync("ListImages", null, async innerCt =>
            {
                if (token is not null)
                {
                    PaginatedImageList next = await GetNextPageAsync<PaginatedImageList>(token, innerCt).ConfigureAwait(false);
                    return ToPage(next.Value, next.NextLink);
                }

                // Every filter is passed on by ImageListOptions.InvokeAsync, which is generated from the spec.
                ServiceResponse<PaginatedImageList> response = await (filter ?? new ImageListOptions()).InvokeAsync(
                    _rest, _subscriptionId, _resourceGroup, _workspace, count: pageSize ?? filter?.PageSize, innerCt).ConfigureAwait(false);
                return ToPage(response.Result.Value, response.Result.NextLink);
            }, ct),
            cancellationToken);
    }

    /// <summary>Starts building an image. The service answers at once; the returned operation tracks the build.</summary>
    /// <param name="request">The image to build.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The operation; keep its <see cref="ImageServiceOperation{T}.Id"/> to resume it later with <see cref="GetCreateImageOperation"/>.</returns>
    /// <remarks>Not retried after a 500 or a timeout: the service might have started the build, and a retry would start a second one.</remarks>
    public virtual Task<CreateImageOperation> StartCreateImageAsync(DockerImageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync("StartCreateImage", request.Name, async ct =>
        {
            ServiceResponse response = await _rest.Images_CreateAsync(request, _subscriptionId, _resourceGroup, _workspace, ct).ConfigureAwait(false);
            return new CreateImageOperation(ReadOperationId(response, request.Name), new ImageDriver(this));
        }, cancellationToken);
    }

    /// <summary>Builds an image and waits until the build completes.</summary>
    /// <param name="request">The image to build.</param>
    /// <param name="cancellationToken">Stops waiting (the build goes on in the service).</param>
    /// <returns>The built image.</returns>
    /// <exception cref="ImageServiceException">The build failed (with the operation's error, log and build log URI) or the call failed.</exception>
    public virtual async Task<ImageResponseBase> CreateImageAsync(DockerImageRequest request, CancellationToken cancellationToken = default)
    {
        CreateImageOperation operation = await StartCreateImageAsync(request, cancellationToken).ConfigureAwait(false);
        return await operation.WaitForCompletionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes a create operation from its id alone (for example in another process, after a restart).</summary>
    /// <param name="operationId">The id from <see cref="ImageServiceOperation{T}.Id"/>.</param>
    /// <returns>The operation; call <see cref="ImageServiceOperation{T}.UpdateStatusAsync"/> or <c>WaitForCompletionAsync</c>.</returns>
    public virtual CreateImageOperation GetCreateImageOperation(string operationId)
    {
        PathSegment.ThrowIfInvalid(operationId);
        return new CreateImageOperation(operationId, new ImageDriver(this));
    }

    /// <summary>Gets the status of a long-running operation.</summary>
    /// <param name="operationId">The operation id.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The status.</returns>
    public virtual Task<AsyncOperationStatus> GetOperationAsync(string operationId, CancellationToken cancellationToken = default)
    {
        PathSegment.ThrowIfInvalid(operationId);
        return RunAsync("GetOperation", null, async ct => (await PollCoreAsync(operationId, ct).ConfigureAwait(false)).Status, cancellationToken);
    }

    /// <summary>Applies a JSON Patch to an image.</summary>
    /// <param name="imageId">The image id, <c>name:version</c>.</param>
    /// <param name="patch">The changes.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The updated image.</returns>
    public virtual Task<ImageResponseBase> UpdateImageAsync(string imageId, ImagePatch patch, CancellationToken cancellationToken = default)
    {
        PathSegment.ThrowIfInvalid(imageId);
        ArgumentNullException.ThrowIfNull(patch);
        return PatchAsync("UpdateImage", imageId, patch, "The patch has no operation.", nameof(patch), cancellationToken);
    }

    /// <summary>
    /// Replaces the whole tag map of an image: whatever tags the image has when the service applies the change,
    /// including tags another caller has just added, are replaced by <paramref name="tags"/>. To change some tags and
    /// keep the others, use <see cref="AddTagsAsync"/> and <see cref="RemoveTagsAsync"/>.
    /// </summary>
    /// <param name="imageId">The image id, <c>name:version</c>.</param>
    /// <param name="tags">The new tags; an empty map removes every tag.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The updated image.</returns>
    public virtual Task<ImageResponseBase> UpdateTagsAsync(string imageId, IDictionary<string, string> tags, CancellationToken cancellationToken = default)
    {
        PathSegment.ThrowIfInvalid(imageId);
        ArgumentNullException.ThrowIfNull(tags);
        return PatchAsync("UpdateTags", imageId, new ImagePatch().ReplaceTags(tags), "No tag map.", nameof(tags), cancellationToken);
    }

    /// <summary>
    /// Adds or overwrites tags, keeping the others: one request with an operation per key
    /// (<see cref="ImagePatch.AddTags"/>), which the service applies atomically, so concurrent changes to other keys
    /// are never lost.
    /// </summary>
    /// <param name="imageId">The image id, <c>name:version</c>.</param>
    /// <param name="tags">The tags to add or overwrite; at least one.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The updated image.</returns>
    /// <exception cref="ArgumentException"><paramref name="tags"/> is empty, or has an empty key or a null value.</exception>
    public virtual Task<ImageResponseBase> AddTagsAsync(string imageId, IDictionary<string, string> tags, CancellationToken cancellationToken = default)
    {
        PathSegment.ThrowIfInvalid(imageId);
        ArgumentNullException.ThrowIfNull(tags);
        return PatchAsync("AddTags", imageId, new ImagePatch().AddTags(tags), "No tag to add.", nameof(tags), cancellationToken);
    }

    /// <summary>
    /// Removes tags by key, keeping the others: one request with an operation per key
    /// (<see cref="ImagePatch.RemoveTags"/>), which the service applies atomically. A key the image does not have is
    /// not an error.
    /// </summary>
    /// <param name="imageId">The image id, <c>name:version</c>.</param>
    /// <param name="keys">The keys to remove; at least one. Absent keys are ignored.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The updated image.</returns>
    /// <exception cref="ArgumentException"><paramref name="keys"/> is empty or has an empty key.</exception>
    public virtual Task<ImageResponseBase> RemoveTagsAsync(string imageId, IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        PathSegment.ThrowIfInvalid(imageId);
        ArgumentNullException.ThrowIfNull(keys);
        return PatchAsync("RemoveTags", imageId, new ImagePatch().RemoveTags(keys), "No tag to remove.", nameof(keys), cancellationToken);
    }

    /// <summary>Adds properties. Properties are immutable: a key the image already has is refused.</summary>
    /// <param name="imageId">The image id, <c>name:version</c>.</param>
    /// <param name="properties">The properties to add.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The updated image.</returns>
    /// <exception cref="ArgumentException">The image already has one of the keys; nothing is changed.</exception>
    public virtual Task<ImageResponseBase> AddPropertiesAsync(string imageId, IDictionary<string, string> properties, CancellationToken cancellationToken = default)
    {
        PathSegment.ThrowIfInvalid(imageId);
        ArgumentNullException.ThrowIfNull(properties);
        if (properties.Count == 0)
        {
            throw new ArgumentException("No property to add.", nameof(properties));
        }

        return RunAsync("AddProperties", imageId, async ct =>
        {
            ServiceResponse<ImageResponseBase> read = await GetImageResponseAsync(imageId, ct).ConfigureAwait(false);
            ImageResponseBase image = AnswerIdentity.Image(read.Result, imageId, read.StatusCode);
            string[] existing = properties.Keys.Where(k => image.Properties?.ContainsKey(k) == true).OrderBy(k => k, StringComparer.Ordinal).ToArray();
            if (existing.Length > 0)
            {
                throw new ArgumentException(
                    $"The image '{imageId}' already has the propert{(existing.Length == 1 ? "y" : "ies")} {string.Join(", ", existing.Select(k => "'" + k + "'"))}; properties are immutable and cannot be overwritten.",
                    nameof(properties));
            }

            ServiceResponse<ImageResponseBase> patched = await PatchResponseAsync(imageId, new ImagePatch().AddProperties(properties), ct).ConfigureAwait(false);
            return AnswerIdentity.Image(patched.Result, imageId, patched.StatusCode);
        }, cancellationToken);
    }

    /// <summary>Deletes an image.</summary>
    /// <param name="imageId">The image id, <c>name:version</c>.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns><see langword="true"/> if the image was deleted (200); <see langword="false"/> if it did not exist (204).</returns>
    /// <exception cref="ImageServiceException">The image is still used by a service (status 412), or the call failed.</exception>
    public virtual Task<bool> DeleteImageAsync(string imageId, CancellationToken cancellationToken = default)
    {
        PathSegment.ThrowIfInvalid(imageId);
        return RunAsync("DeleteImage", imageId, async ct =>
        {
            try
            {
                ServiceResponse response = await _rest.Images_DeleteAsync(_subscriptionId, _resourceGroup, _workspace, imageId, ct).ConfigureAwait(false);
                return response.StatusCode == 200;
            }
            catch (ApiException ex) when (ex.StatusCode == 412)
            {
                ModelErrorResponse? error = (ex as ApiException<ModelErrorResponse>)?.Result;
                throw new ImageServiceException(
                    412,
                    ImageServiceException.FormatMessage($"The image '{imageId}' cannot be deleted: it is still used by a service. Delete the service first.", 412, error),
                    error,
                    ex.InnerException);
            }
        }, cancellationToken);
    }

    /// <summary>Lists the profiles of an image lazily, following the service's <c>nextLink</c>.</summary>
    /// <param name="imageId">The image id, <c>name:version</c>.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The profiles.</returns>
    /// <remarks>
    /// <c>ListProfilesAsync(imageId)</c> binds to the overload with <see cref="ProfileListOptions"/>; this one, without a
    /// default value, keeps the signature that code compiled against earlier versions calls.
    /// </remarks>
    public virtual ImageServicePageable<ProfileResponse> ListProfilesAsync(string imageId, CancellationToken cancellationToken) =>
        ListProfilesAsync(imageId, null, cancellationToken);

    /// <summary>Lists the profiles of an image lazily, following the service's <c>nextLink</c>.</summary>
    /// <param name="imageId">The image id, <c>name:version</c>.</param>
    /// <param name="filter">Filters, order and page size; null lists every profile of the image. Read when each first page is requested.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The profiles; use <see cref="ImageServicePageable{T}.AsPages"/> for pages and continuation tokens.</returns>
    /// <exception cref="ArgumentException">A tag or property filter entry cannot be expressed in the service's filter grammar (see <see cref="FilteredListOptions.Tags"/>).</exception>
    public virtual ImageServicePageable<ProfileResponse> ListProfilesAsync(string imageId, ProfileListOptions? filter = null, CancellationToken cancellationToken = default)
    {
        PathSegment.ThrowIfInvalid(imageId);

        // A filter the service cannot express is refused here, before any request, not when the listing is enumerated.
        filter?.ThrowIfNotExpressible(nameof(filter));
        return new FuncPageable<ProfileResponse>(
            (token, pageSize, ct) => RunAsync("ListProfiles", imageId, async innerCt =>
            {
                if (token is not null)
                {
                    PaginatedProfileResponseList next = await GetNextPageAsync<PaginatedProfileResponseList>(token, innerCt).ConfigureAwait(false);
                    return ToPage(next.Value, next.NextLink);
                }

                // Every filter is passed on by ProfileListOptions.InvokeAsync, which is generated from the spec.
                ServiceResponse<PaginatedProfileResponseList> response = await (filter ?? new ProfileListOptions()).InvokeAsync(
                    _rest, _subscriptionId, _resourceGroup, _workspace, imageId, count: pageSize ?? filter?.PageSize, innerCt).ConfigureAwait(false);
                return ToPage(response.Result.Value, response.Result.NextLink);
            }, ct),
            cancellationToken);
    }

    /// <summary>Gets a profile of an image.</summary>
    /// <param name="imageId">The image id, <c>name:version</c>.</param>
    /// <param name="profileId">The profile id.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The profile.</returns>
    public virtual Task<ProfileResponse> GetProfileAsync(string imageId, string profileId, CancellationToken cancellationToken = default)
    {
        PathSegment.ThrowIfInvalid(imageId);
        PathSegment.ThrowIfInvalid(profileId);
        return RunAsync("GetProfile", imageId, ct => GetProfileResponseAsync(imageId, profileId, ct), response => AnswerIdentity.Profile(response.Result, imageId, profileId, response.StatusCode), cancellationToken);
    }

    /// <summary>Starts profiling an image. The returned operation tracks the profiling run.</summary>
    /// <param name="imageId">The image id, <c>name:version</c>.</param>
    /// <param name="request">The profile to create.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>The operation.</returns>
    public virtual Task<CreateProfileOperation> StartCreateProfileAsync(string imageId, ProfileRequestBase request, CancellationToken cancellationToken = default)
    {
        PathSegment.ThrowIfInvalid(imageId);
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync("StartCreateProfile", imageId, async ct =>
        {
            ServiceResponse response = await _rest.Profiles_CreateAsync(request, _subscriptionId, _resourceGroup, _workspace, imageId, ct).ConfigureAwait(false);
            return new CreateProfileOperation(ReadOperationId(response, request.Name), new ProfileDriver(this, imageId));
        }, cancellationToken);
    }

    private static HttpClient CreateOwnedHttpClient(ImageServiceClientOptions options, HttpMessageHandler transport)
    {
        var shared = new ImageServiceHttpPipeline.Shared(options);
        var httpClient = new HttpClient(ImageServiceHttpPipeline.CreateStandalone(transport, ImageServiceHttpPipeline.CreateHandlers(shared)), disposeHandler: true);
        ImageServiceHttpPipeline.ConfigureHttpClient(httpClient, options);
        return httpClient;
    }

    /// <summary>A page as the caller sees it: every item present, and a nextLink that can be followed (or none).</summary>
    private ImageServicePage<T> ToPage<T>(ICollection<T>? values, string? nextLink)
        where T : class
    {
        T[] items = values?.ToArray() ?? throw new ImageServiceException(200, "The image service returned a page without 'value'.");
        int missing = Array.IndexOf(items, null);
        if (missing >= 0)
        {
            throw new ImageServiceException(200, string.Create(CultureInfo.InvariantCulture, $"The image service returned a page whose item {missing} is null."));
        }

        if (string.IsNullOrEmpty(nextLink))
        {
            return new ImageServicePage<T>(items, null);
        }

        return ResolveNextLink(nextLink) is not null
            ? new ImageServicePage<T>(items, nextLink)
            : throw new ImageServiceException(200, $"The image service returned a nextLink that is not an http or https URL: '{nextLink}'.");
    }

    private Uri? ResolveNextLink(string nextLink) =>
        Uri.TryCreate(_baseAddress, nextLink, out Uri? uri) && uri.Scheme is "http" or "https" ? uri : null;

    private static string? FindHeader(IReadOnlyDictionary<string, IEnumerable<string>> headers, string name) =>
        headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    private static string LastSegment(string location)
    {
        string path = Uri.TryCreate(location, UriKind.Absolute, out Uri? absolute) ? absolute.AbsolutePath : location.Split('?')[0];
        string segment = path.TrimEnd('/').Split('/').LastOrDefault() ?? string.Empty;
        return Uri.UnescapeDataString(segment);
    }

    private string ReadOperationId(ServiceResponse response, string? imageName)
    {
        string location = FindHeader(response.Headers, OperationLocationHeader)
            ?? throw new ImageServiceException(response.StatusCode, "The image service accepted the request but sent no Operation-Location header.");
        string id = LastSegment(location);
        if (id.Length == 0 || PathSegment.IsDotSegment(id))
        {
            throw new ImageServiceException(response.StatusCode, $"The image service sent an Operation-Location header without a usable operation id: '{location}'.");
        }

        if (Uri.TryCreate(location, UriKind.Absolute, out Uri? absolute) && absolute.Scheme is "http" or "https" && !_origins.IsAllowed(absolute))
        {
            // The service has accepted the request: the caller needs the operation id to resume it (polling goes to the
            // endpoint's own origin) or to find the build.
            string what = imageName is null ? string.Empty : $" for '{imageName}'";
            throw new ImageServiceException(
                response.StatusCode,
                $"The image service accepted the request{what} as operation '{id}', but its Operation-Location points at {OriginPolicy.Origin(absolute)}, which is neither the endpoint's origin nor one of ImageServiceClientOptions.AdditionalAllowedOrigins. Resume the operation by its id (GetCreateImageOperation), or add the origin to AdditionalAllowedOrigins if it is trusted.")
            {
                OperationId = id,
            };
        }

        return id;
    }

    private Task<TResult> RunAsync<TResult>(string operation, string? imageId, Func<CancellationToken, Task<TResult>> action, CancellationToken cancellationToken) =>
        RunAsync(operation, imageId, action, static result => result, cancellationToken);

    /// <summary>
    /// Runs one facade call: its request id, activity and error mapping. <paramref name="select"/> picks the result out
    /// of what <paramref name="action"/> returns (the body of a generated call's response) without another async frame.
    /// </summary>
    private async Task<TResult> RunAsync<TResponse, TResult>(string operation, string? imageId, Func<CancellationToken, Task<TResponse>> action, Func<TResponse, TResult> select, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string clientRequestId = RequestContext.NewClientRequestId();
        using Activity? activity = ImageServiceDiagnostics.StartActivity(operation, imageId);
        activity?.SetTag("imageservice.client_request_id", clientRequestId);
        using RequestContext.Scope scope = RequestContext.Begin(clientRequestId, cancellationToken);
        try
        {
            return select(await action(cancellationToken).ConfigureAwait(false));
        }
        // Every call's imageId is the image its path addresses, except create's, which is the new image's name.
        catch (Exception ex) when (ErrorMapper.Map(ex, operation, clientRequestId, cancellationToken, operation == "StartCreateImage" ? null : imageId) is { } mapped)
        {
            ImageServiceDiagnostics.RecordFailure(activity, mapped);
            if (ReferenceEquals(mapped, ex))
            {
                throw;
            }

            throw mapped;
        }
        catch (Exception ex)
        {
            ImageServiceDiagnostics.RecordFailure(activity, ex);
            throw;
        }
    }

    private Task<ServiceResponse<ImageResponseBase>> GetImageResponseAsync(string imageId, CancellationToken cancellationToken) =>
        _rest.Images_QueryByIdAsync(_subscriptionId, _resourceGroup, _workspace, imageId, cancellationToken: cancellationToken);

    private Task<ServiceResponse<ProfileResponse>> GetProfileResponseAsync(string imageId, string profileId, CancellationToken cancellationToken) =>
        _rest.Profiles_QueryByIdAsync(_subscriptionId, _resourceGroup, _workspace, imageId, profileId, cancellationToken);

    /// <summary>Sends <paramref name="patch"/> as one request; a patch without operations is the caller's mistake, refused before any request.</summary>
    private Task<ImageResponseBase> PatchAsync(string operation, string imageId, ImagePatch patch, string whenEmpty, string paramName, CancellationToken cancellationToken)
    {
        if (patch.Operations.Count == 0)
        {
            throw new ArgumentException(whenEmpty, paramName);
        }

        return RunAsync(operation, imageId, ct => PatchResponseAsync(imageId, patch, ct), response => AnswerIdentity.Image(response.Result, imageId, response.StatusCode), cancellationToken);
    }

    private Task<ServiceResponse<ImageResponseBase>> PatchResponseAsync(string imageId, ImagePatch patch, CancellationToken cancellationToken) =>
        _rest.Images_PatchAsync(patch.Operations, _subscriptionId, _resourceGroup, _workspace, imageId, cancellationToken);

    private async Task<(AsyncOperationStatus Status, TimeSpan? ServerDelay)> PollCoreAsync(string operationId, CancellationToken cancellationToken)
    {
        ServiceResponse<AsyncOperationStatus> response = await _rest.Operations_GetAsync(_subscriptionId, _resourceGroup, _workspace, operationId, cancellationToken).ConfigureAwait(false);
        return (AnswerIdentity.Operation(response.Result, operationId, response.StatusCode), RetryAfter.Read(response.Headers, _timeProvider.GetUtcNow()));
    }

    private async Task<TList> GetNextPageAsync<TList>(string continuationToken, CancellationToken cancellationToken)
        where TList : class
    {
        // A token from a page was checked when the page was read; one the caller passed in is checked here.
        Uri uri = ResolveNextLink(continuationToken)
            ?? throw new ArgumentException("The continuation token is not a nextLink URL returned by the image service.", nameof(continuationToken));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("Accept", "application/json");
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return await ResponseReader.ReadResultAsync<TList>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ImageServiceException> CreateFailureAsync(string kind, string operationId, AsyncOperationStatus status, Func<string, CancellationToken, Task<Uri?>> buildLog, CancellationToken cancellationToken)
    {
        Uri? buildLogUri = null;
        if (!string.IsNullOrEmpty(status.ResourceLocation))
        {
            try
            {
                buildLogUri = await buildLog(LastSegment(status.ResourceLocation), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ApiException or ImageServiceException or HttpRequestException or JsonException)
            {
                // The build log is a courtesy: the operation's own error is what the caller needs.
            }
        }

        ModelErrorResponse? error = status.Error;
        string summary = $"The {kind} operation '{operationId}' ended in state {status.State?.ToString() ?? "unknown"}.";
        if (buildLogUri is not null)
        {
            summary += $" Build log: {buildLogUri}.";
        }

        return new ImageServiceException(error?.StatusCode ?? 0, ImageServiceException.FormatMessage(summary, 0, error), error)
        {
            OperationId = operationId,
            OperationLog = status.OperationLog,
            BuildLogUri = buildLogUri,
            ErrorCode = error?.Code,
            ClientRequestId = RequestContext.CurrentClientRequestId,
        };
    }

    private abstract class DriverBase<T> : ImageServiceOperation<T>.Driver
        where T : class
    {
        protected DriverBase(ImageServiceClient client) => Client = client;

        public override TimeProvider TimeProvider => Client._timeProvider;

        public override TimeSpan PollingInterval => Client._options.PollingInterval;

        public override TimeSpan MinimumPollingInterval => Client._options.MinimumPollingInterval;

        public override TimeSpan MaxDelay => Client._options.MaxDelay;

        public override TimeSpan OperationTimeout => Client._options.OperationTimeout;

        public override ILogger Logger => Client._logger;

        protected ImageServiceClient Client { get; }

        public override Task<(AsyncOperationStatus Status, TimeSpan? ServerDelay)> PollAsync(string operationId, CancellationToken cancellationToken) =>
            Client.RunAsync("GetOperation", null, ct => Client.PollCoreAsync(operationId, ct), cancellationToken);

        protected static string ResourceId(AsyncOperationStatus status)
        {
            string id = string.IsNullOrEmpty(status.ResourceLocation)
                ? throw new ImageServiceException($"The operation '{status.Id}' succeeded but its status has no resourceLocation.")
                : LastSegment(status.ResourceLocation);
            return id.Length > 0 && !PathSegment.IsDotSegment(id)
                ? id
                : throw new ImageServiceException($"The operation '{status.Id}' succeeded but its resourceLocation names no usable id: '{status.ResourceLocation}'.");
        }
    }

    private sealed class ImageDriver : DriverBase<ImageResponseBase>
    {
        public ImageDriver(ImageServiceClient client)
            : base(client)
        {
        }

        public override string OperationType => "CreateImage";

        public override Task<ImageResponseBase> GetResultAsync(AsyncOperationStatus status, CancellationToken cancellationToken)
        {
            string imageId = ResourceId(status);
            return Client.RunAsync("GetImage", imageId, ct => Client.GetImageResponseAsync(imageId, ct), response => AnswerIdentity.Image(response.Result, imageId, response.StatusCode), cancellationToken);
        }

        public override Task<ImageServiceException> CreateFailureAsync(string operationId, AsyncOperationStatus status, CancellationToken cancellationToken) =>
            Client.RunAsync("GetImage", null, ct => Client.CreateFailureAsync("create image", operationId, status, async (imageId, innerCt) =>
            {
                ServiceResponse<ImageResponseBase> read = await Client.GetImageResponseAsync(imageId, innerCt).ConfigureAwait(false);
                ImageResponseBase image = AnswerIdentity.Image(read.Result, imageId, read.StatusCode);
                return Uri.TryCreate(image.ImageBuildLogUri, UriKind.Absolute, out Uri? uri) ? uri : null;
            }, ct), cancellationToken);
    }

    private sealed class ProfileDriver : DriverBase<ProfileResponse>
    {
        private readonly string _imageId;

        public ProfileDriver(ImageServiceClient client, string imageId)
            : base(client) => _imageId = imageId;

        public override string OperationType => "CreateProfile";

        public override Task<ProfileResponse> GetResultAsync(AsyncOperationStatus status, CancellationToken cancellationToken)
        {
            string profileId = ResourceId(status);
            return Client.RunAsync("GetProfile", _imageId, ct => Client.GetProfileResponseAsync(_imageId, profileId, ct), response => AnswerIdentity.Profile(response.Result, _imageId, profileId, response.StatusCode), cancellationToken);
        }

        public override Task<ImageServiceException> CreateFailureAsync(string operationId, AsyncOperationStatus status, CancellationToken cancellationToken) =>
            Client.CreateFailureAsync("create profile", operationId, status, (_, _) => Task.FromResult<Uri?>(null), cancellationToken);
    }
}
