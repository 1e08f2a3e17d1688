using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace ImageService.Benchmarks;

// Plain POCOs equivalent to the SDK's DTOs (enums as strings), read by a System.Text.Json source-generated context.
#pragma warning disable CA1002, CA1056, CA2227 // benchmark POCOs: settable lists and string URIs mirror the wire

public sealed class StjPage
{
    public List<StjImage>? Value { get; set; }

    public string? NextLink { get; set; }
}

public sealed class StjImage
{
    public bool? AutoDelete { get; set; }

    public DateTimeOffset? CreatedTime { get; set; }

    public string? CreationState { get; set; }

    public string? Description { get; set; }

    public StjError? Error { get; set; }

    public string? Id { get; set; }

    public string? ImageBuildLogUri { get; set; }

    public string? ImageFlavor { get; set; }

    public string? ImageLocation { get; set; }

    public string? ImageType { get; set; }

    public Dictionary<string, string>? KvTags { get; set; }

    public List<StjModel>? ModelDetails { get; set; }

    public List<string>? ModelIds { get; set; }

    public DateTimeOffset? ModifiedTime { get; set; }

    public string? Name { get; set; }

    public string? OperationId { get; set; }

    public Dictionary<string, string>? Properties { get; set; }

    public long? Version { get; set; }

    public string? DriverProgram { get; set; }

    public List<StjAsset>? Assets { get; set; }

    public StjTargetRuntime? TargetRuntime { get; set; }

    public string? DockerFileUri { get; set; }

    public string? GeneratedDockerFileUri { get; set; }
}

public sealed class StjModel
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Framework { get; set; }

    public string? FrameworkVersion { get; set; }

    public long? Version { get; set; }

    public List<string>? Tags { get; set; }

    public List<StjDataset>? Datasets { get; set; }

    public string? Url { get; set; }

    public string? MimeType { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset? CreatedTime { get; set; }

    public DateTimeOffset? ModifiedTime { get; set; }

    public bool? Unpack { get; set; }

    public string? ParentModelId { get; set; }

    public string? RunId { get; set; }

    public string? ExperimentName { get; set; }

    public Dictionary<string, string>? KvTags { get; set; }

    public Dictionary<string, string>? Properties { get; set; }
}

public sealed class StjDataset
{
    public string? Name { get; set; }

    public string? Id { get; set; }
}

public sealed class StjAsset
{
    public string? Id { get; set; }

    public string? MimeType { get; set; }

    public string? Url { get; set; }

    public bool? Unpack { get; set; }
}

public sealed class StjTargetRuntime
{
    public string? RuntimeType { get; set; }

    public Dictionary<string, string>? Properties { get; set; }

    public string? TargetArchitecture { get; set; }

    public string? OsType { get; set; }
}

public sealed class StjError
{
    public string? Code { get; set; }

    public int? StatusCode { get; set; }

    public string? Message { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StjPage))]
[JsonSerializable(typeof(StjImage))]
public partial class StjContext : JsonSerializerContext
{
}
