using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using ImageService.Emulator.Contracts;
using ImageService.Emulator.Store;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace ImageService.Emulator.Api;

/// <summary>
/// The one serializer of every answer (MVC's formatter and the error writer use these settings). Answers are the DTOs
/// generated from openapi/images.yaml, written whole as the service writes its records: every property the spec
/// declares is a key, null when the record has no value. A property added to the spec is therefore served (null until
/// the emulator fills it); one removed or renamed breaks the build where the emulator sets it.
/// </summary>
internal static class WireJson
{
    public static JsonSerializerSettings Settings { get; } = Configure(new JsonSerializerSettings());

    public static JsonSerializerSettings Configure(JsonSerializerSettings settings)
    {
        settings.ContractResolver = WireContractResolver.Instance;
        settings.DateParseHandling = DateParseHandling.DateTimeOffset;
        return settings;
    }

    public static string Serialize(object value) => JsonConvert.SerializeObject(value, Settings);

    /// <summary>
    /// Emits null-valued properties (the generated DTOs mark every optional property <c>NullValueHandling.Ignore</c>,
    /// which suits a client sending requests, not a service describing records), and writes images without NSwag's
    /// inheritance converter: it would spell the discriminator from the C# type (<c>WebApiContainer</c> for an
    /// <c>IoTContainer</c> image), where the record's own <c>imageFlavor</c> is the truth.
    /// </summary>
    private sealed class WireContractResolver : DefaultContractResolver
    {
        public static readonly WireContractResolver Instance = new();

        protected override JsonProperty CreateProperty(MemberInfo member, MemberSerialization memberSerialization)
        {
            var property = base.CreateProperty(member, memberSerialization);
            property.NullValueHandling = NullValueHandling.Include;
            return property;
        }

        /// <summary>A base class's properties first, in the spec's order: an image's record, then its Docker fields.</summary>
        protected override IList<JsonProperty> CreateProperties(Type type, MemberSerialization memberSerialization) =>
            [.. base.CreateProperties(type, memberSerialization).OrderBy(p => Depth(p.DeclaringType))];

        protected override JsonConverter? ResolveContractConverter(Type objectType) =>
            typeof(ImageResponseBase).IsAssignableFrom(objectType) ? null : base.ResolveContractConverter(objectType);

        private static int Depth(Type? type)
        {
            int depth = 0;
            for (; type?.BaseType is not null; type = type.BaseType)
            {
                depth++;
            }

            return depth;
        }
    }
}

/// <summary>The emulator's records in the spec's response shapes.</summary>
internal static class WireShapes
{
    /// <summary>
    /// An image as the service answers it. <c>AccelContainer</c> images have the FPGA shape, every other flavor the Docker
    /// shape. The discriminator is not a C# property of the generated classes, so it travels as an additional property.
    /// </summary>
    public static ImageResponseBase Image(ImageRecord image, Func<string, ModelRecord?>? expand)
    {
        ImageResponseBase body = string.Equals(image.ImageFlavor, "AccelContainer", StringComparison.OrdinalIgnoreCase)
            ? new FPGADockerImageResponse()
            : new DockerImageResponse
            {
                DriverProgram = image.DriverProgram,
                Assets = image.Assets is null ? null : [.. image.Assets.Select(EmulatorStore.Clone)],
                TargetRuntime = image.TargetRuntime is null ? null : EmulatorStore.Clone(image.TargetRuntime),
                DockerFileUri = image.DockerFileUri,
                GeneratedDockerFileUri = image.GeneratedDockerFileUri,
            };
        body.AutoDelete = false;
        body.CreatedTime = image.CreatedTime;
        body.CreationState = new AsyncOperationState(image.CreationState);
        body.Description = image.Description;
        body.Error = image.Error is null ? null : EmulatorStore.Clone(image.Error);
        body.Id = image.Id;
        body.ImageBuildLogUri = image.ImageBuildLogUri;
        body.ImageLocation = image.ImageLocation;
        body.ImageType = new ImageType(image.ImageType);
        body.KvTags = image.KvTags is null ? null : new Dictionary<string, string>(image.KvTags, StringComparer.Ordinal);
        body.ModelDetails = expand is null ? null : [.. (image.ModelIds ?? []).Select(expand).OfType<ModelRecord>().Select(m => EmulatorStore.Clone(m.Body))];
        body.ModelIds = image.ModelIds is null ? null : [.. image.ModelIds];
        body.ModifiedTime = image.ModifiedTime;
        body.Name = image.Name;
        body.OperationId = image.OperationId;
        body.Properties = image.Properties is null ? null : new Dictionary<string, string>(image.Properties, StringComparer.Ordinal);
        body.Version = image.Version;
        body.AdditionalProperties["imageFlavor"] = image.ImageFlavor;
        return body;
    }

    public static AsyncOperationStatus Operation(OperationRecord operation) => new()
    {
        Id = operation.Id,
        OperationType = operation.OperationType,
        State = new AsyncOperationState(operation.State),
        CreatedTime = operation.CreatedTime,
        EndTime = operation.EndTime,
        Error = operation.Error is null ? null : EmulatorStore.Clone(operation.Error),
        ResourceLocation = operation.ResourceLocation,
        RequestId = operation.RequestId,
        ParentRequestId = operation.RequestId,
        OperationDetails = new AsyncOperationDetails
        {
            SubOperationType = operation.OperationType == "Image" ? "Build" : "Profile",
            SubOperationState = operation.State,
        },
        OperationLog = operation.Log.Count == 0 ? null : string.Join('\n', operation.Log),
    };

    /// <summary>A profile: the recommendations exist once profiling succeeded, the error and its logs once it failed.</summary>
    public static ProfileResponse Profile(ProfileRecord profile)
    {
        bool succeeded = profile.State == "Succeeded";
        return new ProfileResponse
        {
            Name = profile.Name,
            Description = profile.Description,
            ImageId = profile.ImageId,
            InputData = profile.InputData,
            State = profile.State,
            CreatedTime = profile.CreatedTime,
            KvTags = profile.KvTags is null ? null : new Dictionary<string, string>(profile.KvTags, StringComparer.Ordinal),
            Properties = profile.Properties is null ? null : new Dictionary<string, string>(profile.Properties, StringComparer.Ordinal),
            RecommendedMemoryInGB = succeeded ? 0.5 : null,
            RecommendedCpu = succeeded ? 0.1 : null,
            RecommendationLatencyInMs = succeeded ? 42.7 : null,
            LatencyInMsAtRecommendedMemory = succeeded ? 38.2 : null,
            LatencyInMsAtRecommendedCpu = succeeded ? 45.9 : null,
            ProfileRunResult = profile.State is "Succeeded" or "Failed" ? profile.State : null,
            Error = profile.Error is null ? null : EmulatorStore.Clone(profile.Error),
            ProfilingErrorLogs = profile.ErrorLogs,
        };
    }

    public static Model Model(ModelRecord model) => EmulatorStore.Clone(model.Body);
}
