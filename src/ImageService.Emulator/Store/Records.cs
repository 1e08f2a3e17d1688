using System;
using System.Collections.Generic;
using Newtonsoft.Json.Linq;

namespace ImageService.Emulator.Store;

/// <summary>An image as the emulator stores it (persisted as JSON).</summary>
internal sealed class ImageRecord
{
    public string Name { get; set; } = "";
    public long Version { get; set; }
    public string Id => $"{Name}:{Version}";
    public long Sequence { get; set; }
    public string? Description { get; set; }
    public Dictionary<string, string> KvTags { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Properties { get; set; } = new(StringComparer.Ordinal);
    public List<Dictionary<string, string>> TagHistory { get; set; } = [];
    public DateTimeOffset CreatedTime { get; set; }
    public DateTimeOffset ModifiedTime { get; set; }
    public string ImageType { get; set; } = "Docker";
    public string ImageFlavor { get; set; } = "WebApiContainer";
    public string CreationState { get; set; } = "NotStarted";
    public JObject? Error { get; set; }
    public List<string> ModelIds { get; set; } = [];
    public string? ImageLocation { get; set; }
    public string? ImageBuildLogUri { get; set; }
    public string OperationId { get; set; } = "";
    public string? DriverProgram { get; set; }
    public JArray? Assets { get; set; }
    public JObject? TargetRuntime { get; set; }
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
    public JObject? Error { get; set; }
    public List<string> Log { get; set; } = [];

    public bool IsTerminal => State is "Succeeded" or "Failed" or "Cancelled" or "TimedOut";
}

/// <summary>A registered model.</summary>
internal sealed class ModelRecord
{
    public string Name { get; set; } = "";
    public long Version { get; set; }
    public string Id => $"{Name}:{Version}";
    public JObject Body { get; set; } = [];
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
    public Dictionary<string, string> KvTags { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Properties { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Counters that must survive a restart.</summary>
internal sealed class MetaRecord
{
    public long Sequence { get; set; }
    public Dictionary<string, long> LastImageVersions { get; set; } = new(StringComparer.Ordinal);
}
