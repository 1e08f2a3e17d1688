using System;
using System.Collections.Generic;
using ImageService.Emulator.Contracts;

namespace ImageService.Emulator.Store;

// Records are persisted as JSON and replaced, never changed in place, once they are in the store: a mutation works on a
// copy, commits it to SQLite and only then swaps it in, so a reader always holds a complete, committed version.
// Nested values use the DTOs generated from openapi/images.yaml, so what is stored is what is served.

/// <summary>An image as the emulator stores it. Null where the service has no value (see the spec's nullable fields).</summary>
internal sealed class ImageRecord
{
    public string Name { get; set; } = "";
    public long Version { get; set; }
    public string Id => $"{Name}:{Version}";
    public long Sequence { get; set; }
    public string? Description { get; set; }
    public Dictionary<string, string>? KvTags { get; set; }
    public Dictionary<string, string>? Properties { get; set; }
    /// <summary>How many tag maps the image has had: 1 at its create, plus one per patch that changed its tags. The maps
    /// themselves are not stored with it (the service's record has no history; the emulator keeps the newest few in
    /// memory for inspection), so a patch costs the same after ten thousand earlier ones.</summary>
    public long TagChangeCount { get; set; }
    public DateTimeOffset CreatedTime { get; set; }
    public DateTimeOffset ModifiedTime { get; set; }
    public string ImageType { get; set; } = "Docker";
    public string ImageFlavor { get; set; } = "WebApiContainer";
    public string CreationState { get; set; } = "NotStarted";
    public ModelErrorResponse? Error { get; set; }
    public List<string>? ModelIds { get; set; }
    public string? ImageLocation { get; set; }
    public string? ImageBuildLogUri { get; set; }
    public string OperationId { get; set; } = "";
    public string? DriverProgram { get; set; }
    public List<ImageAsset>? Assets { get; set; }
    public TargetRuntime? TargetRuntime { get; set; }
    public string? DockerFileUri { get; set; }
    public string? GeneratedDockerFileUri { get; set; }
}

/// <summary>An asynchronous operation (image build or profiling run).</summary>
internal sealed class OperationRecord
{
    public string Id { get; set; } = "";
    public string OperationType { get; set; } = "Image";
    public string State { get; set; } = "NotStarted";
    public DateTimeOffset CreatedTime { get; set; }
    public DateTimeOffset PhaseStartedAt { get; set; }
    public DateTimeOffset? EndTime { get; set; }
    public string ResourceLocation { get; set; } = "";
    public string TargetId { get; set; } = "";
    public string? ProfileName { get; set; }
    public string RequestId { get; set; } = "";
    public bool FailRequested { get; set; }
    public ModelErrorResponse? Error { get; set; }
    public List<string> Log { get; set; } = [];

    public bool IsTerminal => State is "Succeeded" or "Failed" or "Cancelled" or "TimedOut";
}

/// <summary>A registered model: the record as the spec's Model schema describes it.</summary>
internal sealed class ModelRecord
{
    public string Name { get; set; } = "";
    public long Version { get; set; }
    public string Id => $"{Name}:{Version}";
    public Model Body { get; set; } = new();
}

/// <summary>A profile of an image.</summary>
internal sealed class ProfileRecord
{
    public string ImageId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Key => $"{ImageId}/{Name}";
    public long Sequence { get; set; }
    public string? Description { get; set; }
    public string? InputData { get; set; }
    public string State { get; set; } = "NotStarted";
    public DateTimeOffset CreatedTime { get; set; }
    public Dictionary<string, string>? KvTags { get; set; }
    public Dictionary<string, string>? Properties { get; set; }
    public ModelErrorResponse? Error { get; set; }
    public string? ErrorLogs { get; set; }
}

/// <summary>Counters that must survive a restart.</summary>
internal sealed class MetaRecord
{
    public long Sequence { get; set; }
    public Dictionary<string, long> LastImageVersions { get; set; } = new(StringComparer.Ordinal);
}
