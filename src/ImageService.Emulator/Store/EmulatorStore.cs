using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageService.Emulator.Contracts;
using Newtonsoft.Json;

namespace ImageService.Emulator.Store;

/// <summary>
/// The whole state of the emulator behind one lock. Every mutation (a create with its operation and counters, a patch,
/// a delete, a build step) works on copies, commits them to SQLite in one transaction when a data file is configured,
/// and only then replaces the records in memory: a failed write changes nothing, and a crash between two statements
/// cannot leave half a mutation in the file. Operations advance with the clock: <see cref="Advance"/> runs before
/// every read and on a timer.
/// </summary>
internal sealed class EmulatorStore : IDisposable
{
    private const string ImageKind = "image";
    private const string OperationKind = "operation";
    private const string ModelKind = "model";
    private const string ProfileKind = "profile";
    private const string MetaKind = "meta";

    private static readonly JsonSerializerSettings s_settings = new() { DateParseHandling = DateParseHandling.DateTimeOffset };

    private readonly object _gate = new();
    private readonly Dictionary<string, ImageRecord> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OperationRecord> _operations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelRecord> _models = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProfileRecord> _profiles = new(StringComparer.Ordinal);
    private readonly List<string> _recovered = [];
    private readonly SqlitePersistence? _persistence;
    private readonly TimeProvider _time;
    private readonly TimeSpan _step;
    private MetaRecord _meta = new();

    public EmulatorStore(EmulatorOptions options)
    {
        _time = options.TimeProvider;
        _step = options.BuildStepDuration;
        if (options.DataFile is not null)
        {
            _persistence = new SqlitePersistence(options.DataFile);
            try
            {
                Load();
            }
            catch
            {
                _persistence.Dispose();
                throw;
            }
        }

        if (options.SeedModels && _models.Count == 0)
        {
            SeedModels.AddTo(this);
        }
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    public object Gate => _gate;

    /// <summary>What loading the data file repaired (records a crash of an older emulator left half-written).</summary>
    public IReadOnlyList<string> Recovered => _recovered;

    // ---- models ----

    public IReadOnlyList<ModelRecord> Models()
    {
        lock (_gate)
        {
            return [.. _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Version)];
        }
    }

    public ModelRecord? FindModel(string id)
    {
        lock (_gate)
        {
            return _models.GetValueOrDefault(id);
        }
    }

    /// <summary>Registers a model: the version is the last one of that name plus one; the service fills id, times and creator.</summary>
    public ModelRecord AddModel(Model body, User createdBy)
    {
        lock (_gate)
        {
            var model = Clone(body);
            long version = _models.Values.Where(m => m.Name == model.Name).Select(m => m.Version).DefaultIfEmpty(0).Max() + 1;
            var now = Now;
            model.Id = $"{model.Name}:{version.ToString(CultureInfo.InvariantCulture)}";
            model.Version = version;
            model.CreatedTime ??= now;
            model.ModifiedTime ??= now;
            model.Unpack ??= false;
            model.CreatedBy ??= Clone(createdBy);
            var record = new ModelRecord { Name = model.Name, Version = version, Body = model };
            Commit(Upsert(ModelKind, record.Id, record));
            _models[record.Id] = record;
            return record;
        }
    }

    // ---- images ----

    public IReadOnlyList<ImageRecord> Images()
    {
        lock (_gate)
        {
            Advance();
            return [.. _images.Values];
        }
    }

    public ImageRecord? FindImage(string id)
    {
        lock (_gate)
        {
            Advance();
            return _images.GetValueOrDefault(id);
        }
    }

    /// <summary>Adds an image (its version is assigned here), the operation that builds it and the counters, in one commit.</summary>
    public (ImageRecord Image, OperationRecord Operation) CreateImage(ImageRecord image, string resourcePrefix, string requestId, bool fail)
    {
        lock (_gate)
        {
            Advance();
            var now = Now;
            var meta = Clone(_meta);
            long last = Math.Max(
                meta.LastImageVersions.GetValueOrDefault(image.Name),
                _images.Values.Where(i => i.Name == image.Name).Select(i => i.Version).DefaultIfEmpty(0).Max());
            image.Version = last + 1;
            image.Sequence = ++meta.Sequence;
            meta.LastImageVersions[image.Name] = image.Version;
            image.CreatedTime = now;
            image.ModifiedTime = now;
            image.CreationState = "NotStarted";
            image.OperationId = Guid.NewGuid().ToString();
            image.TagHistory.Add(new Dictionary<string, string>(image.KvTags ?? [], StringComparer.Ordinal));
            OperationRecord operation = QueuedOperation(image.OperationId, "Image", now, $"{resourcePrefix}/images/{image.Id}", image.Id, requestId, fail, $"Image build for {image.Id} queued.");
            Commit(Upsert(ImageKind, image.Id, image), Upsert(OperationKind, operation.Id, operation), Upsert(MetaKind, "meta", meta));
            _images[image.Id] = image;
            PublishOperation(operation, meta);
            return (image, operation);
        }
    }

    /// <summary>
    /// Runs a mutation on a copy of an image under the lock; when it reports a change, the copy is committed and then
    /// replaces the image. A mutation that reports no change (or throws) leaves the image as it was.
    /// </summary>
    public T? UpdateImage<T>(string id, Func<ImageRecord, (bool Changed, T Result)> update)
    {
        lock (_gate)
        {
            Advance();
            if (!_images.TryGetValue(id, out var current))
            {
                return default;
            }

            var copy = Clone(current);
            var (changed, result) = update(copy);
            if (changed)
            {
                copy.ModifiedTime = Now;
                Commit(Upsert(ImageKind, copy.Id, copy));
                _images[id] = copy;
            }

            return result;
        }
    }

    /// <summary>Deletes an image and its profiles in one commit. Its operation stays, as the service keeps it.</summary>
    public void DeleteImage(string id)
    {
        lock (_gate)
        {
            var profiles = _profiles.Values.Where(p => p.ImageId == id).ToList();
            var changes = new List<DocumentChange>();
            if (_images.ContainsKey(id))
            {
                changes.Add(new DocumentChange(ImageKind, id, null));
            }

            changes.AddRange(profiles.Select(p => new DocumentChange(ProfileKind, p.Key, null)));
            Commit([.. changes]);
            _images.Remove(id);
            foreach (var profile in profiles)
            {
                _profiles.Remove(profile.Key);
            }
        }
    }

    // ---- operations ----

    public OperationRecord? FindOperation(string id)
    {
        lock (_gate)
        {
            Advance();
            return _operations.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<OperationRecord> Operations()
    {
        lock (_gate)
        {
            Advance();
            return [.. _operations.Values];
        }
    }

    // ---- profiles ----

    public IReadOnlyList<ProfileRecord> Profiles(string imageId)
    {
        lock (_gate)
        {
            Advance();
            return [.. _profiles.Values.Where(p => p.ImageId == imageId)];
        }
    }

    public ProfileRecord? FindProfile(string imageId, string name)
    {
        lock (_gate)
        {
            Advance();
            return _profiles.GetValueOrDefault($"{imageId}/{name}");
        }
    }

    /// <summary>Adds a profile, the operation that runs it and the counters, in one commit.</summary>
    public OperationRecord CreateProfile(ProfileRecord profile, string resourcePrefix, string requestId, bool fail)
    {
        lock (_gate)
        {
            var now = Now;
            var meta = Clone(_meta);
            profile.CreatedTime = now;
            profile.Sequence = ++meta.Sequence;
            OperationRecord operation = QueuedOperation(Guid.NewGuid().ToString(), "Profile", now, $"{resourcePrefix}/images/{profile.ImageId}/profiles/{profile.Name}", profile.ImageId, requestId, fail, $"Profiling of {profile.ImageId} queued.");
            operation.ProfileName = profile.Name;
            Commit(Upsert(ProfileKind, profile.Key, profile), Upsert(OperationKind, operation.Id, operation), Upsert(MetaKind, "meta", meta));
            _profiles[profile.Key] = profile;
            PublishOperation(operation, meta);
            return operation;
        }
    }

    private static OperationRecord QueuedOperation(string id, string type, DateTimeOffset now, string resourceLocation, string targetId, string requestId, bool fail, string queued)
    {
        var operation = new OperationRecord
        {
            Id = id,
            OperationType = type,
            CreatedTime = now,
            PhaseStartedAt = now,
            ResourceLocation = resourceLocation,
            TargetId = targetId,
            RequestId = requestId,
            FailRequested = fail,
        };
        operation.Log.Add($"{Stamp(now)} {queued}");
        return operation;
    }

    /// <summary>After the commit that stored them: the new operation and counters become what readers see.</summary>
    private void PublishOperation(OperationRecord operation, MetaRecord meta)
    {
        _operations[operation.Id] = operation;
        _meta = meta;
    }

    // ---- the build state machine ----

    /// <summary>
    /// Moves every unfinished operation along: NotStarted and Running each last one build step. Each operation's steps
    /// and the record it builds (image or profile) are committed together, then replace the records in memory.
    /// </summary>
    public void Advance()
    {
        lock (_gate)
        {
            var now = Now;
            foreach (var current in _operations.Values.Where(o => !o.IsTerminal && now - o.PhaseStartedAt >= _step).ToList())
            {
                var operation = Clone(current);
                var image = operation.OperationType == "Image" && _images.TryGetValue(operation.TargetId, out var i) ? Clone(i) : null;
                var profile = operation.OperationType == "Profile" && _profiles.TryGetValue($"{operation.TargetId}/{operation.ProfileName}", out var p) ? Clone(p) : null;
                while (!operation.IsTerminal && now - operation.PhaseStartedAt >= _step)
                {
                    operation.PhaseStartedAt += _step;
                    Step(operation, image, profile, operation.PhaseStartedAt);
                }

                var changes = new List<DocumentChange> { Upsert(OperationKind, operation.Id, operation) };
                if (image is not null)
                {
                    changes.Add(Upsert(ImageKind, image.Id, image));
                }

                if (profile is not null)
                {
                    changes.Add(Upsert(ProfileKind, profile.Key, profile));
                }

                Commit([.. changes]);
                _operations[operation.Id] = operation;
                if (image is not null)
                {
                    _images[image.Id] = image;
                }

                if (profile is not null)
                {
                    _profiles[profile.Key] = profile;
                }
            }
        }
    }

    public void Dispose() => _persistence?.Dispose();

    internal static T Clone<T>(T value) =>
        JsonConvert.DeserializeObject<T>(JsonConvert.SerializeObject(value, s_settings), s_settings)!;

    private static void Step(OperationRecord operation, ImageRecord? image, ProfileRecord? profile, DateTimeOffset at)
    {
        if (operation.State == "NotStarted")
        {
            operation.State = "Running";
            operation.Log.Add($"{Stamp(at)} {operation.OperationType} operation running.");
        }
        else if (operation.FailRequested)
        {
            operation.State = "Failed";
            operation.EndTime = at;
            if (operation.OperationType == "Image")
            {
                operation.Log.Add($"{Stamp(at)} Step 3/4 : RUN pip install -r requirements.txt");
                operation.Log.Add($"{Stamp(at)} ERROR: the build failed because the image asked for it (tag emulator.build=fail).");
                operation.Error = Failure("ImageBuildFailed", $"Image build failed for {operation.TargetId}: the emulator was asked to fail it (tag emulator.build=fail). See the operation log.",
                    "DockerBuildFailed", "RUN pip install -r requirements.txt returned a non-zero code: 1", "imageBuild");
            }
            else
            {
                operation.Log.Add($"{Stamp(at)} ERROR: profiling failed because the profile asked for it (tag emulator.profile=fail).");
                operation.Error = Failure("ProfilingFailed", $"Profiling of {operation.TargetId} failed: the emulator was asked to fail it (tag emulator.profile=fail).",
                    "ScoringRequestFailed", "The scoring container answered 500 to the sample input.", "inputData");
            }
        }
        else
        {
            operation.State = "Succeeded";
            operation.EndTime = at;
            operation.Log.Add($"{Stamp(at)} {operation.OperationType} operation succeeded.");
        }

        if (image is not null)
        {
            image.CreationState = operation.State;
            image.ModifiedTime = at;
            if (operation.State == "Running")
            {
                // What the service only knows once the build has started.
                image.ImageBuildLogUri = $"https://emulatorstorage.blob.core.windows.net/azureml/ImageLogs/{image.OperationId}/build.log";
                image.GeneratedDockerFileUri = $"https://emulatorstorage.blob.core.windows.net/azureml/ImageDockerfiles/{image.Name}-{image.Version.ToString(CultureInfo.InvariantCulture)}/Dockerfile.generated";
            }
            else if (operation.State == "Succeeded")
            {
                image.ImageLocation = $"emulatorregistry.azurecr.io/{image.Name}:{image.Version.ToString(CultureInfo.InvariantCulture)}";
            }
            else if (operation.State == "Failed")
            {
                image.Error = operation.Error is null ? null : Clone(operation.Error);
            }
        }

        if (profile is not null)
        {
            profile.State = operation.State;
            if (operation.State == "Failed")
            {
                profile.Error = operation.Error is null ? null : Clone(operation.Error);
                profile.ErrorLogs = string.Join('\n', operation.Log);
            }
        }
    }

    private static ModelErrorResponse Failure(string code, string message, string detailCode, string detailMessage, string target) => new()
    {
        Code = code,
        StatusCode = 400,
        Message = message,
        Details = [new ErrorDetails { Code = detailCode, Message = detailMessage, Target = target }],
    };

    private static string Stamp(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture);

    private static DocumentChange Upsert<T>(string kind, string id, T value) => new(kind, id, JsonConvert.SerializeObject(value, s_settings));

    private void Commit(params DocumentChange[] changes) => _persistence?.Commit(changes);

    private void Load()
    {
        foreach (var (_, json) in _persistence!.Load(ImageKind))
        {
            var image = JsonConvert.DeserializeObject<ImageRecord>(json, s_settings)!;
            _images[image.Id] = image;
        }

        foreach (var (_, json) in _persistence.Load(ModelKind))
        {
            var model = JsonConvert.DeserializeObject<ModelRecord>(json, s_settings)!;
            _models[model.Id] = model;
        }

        foreach (var (_, json) in _persistence.Load(ProfileKind))
        {
            var profile = JsonConvert.DeserializeObject<ProfileRecord>(json, s_settings)!;
            _profiles[profile.Key] = profile;
        }

        foreach (var (_, json) in _persistence.Load(MetaKind))
        {
            _meta = JsonConvert.DeserializeObject<MetaRecord>(json, s_settings)!;
        }

        foreach (var (_, json) in _persistence.Load(OperationKind))
        {
            var operation = JsonConvert.DeserializeObject<OperationRecord>(json, s_settings)!;
            _operations[operation.Id] = operation;
        }

        Recover();
    }

    /// <summary>
    /// Repairs what an emulator that wrote statement by statement (before every mutation was one transaction) could
    /// leave after a crash: an image whose operation was never written was never acknowledged (the 202 comes after the
    /// writes), so it is dropped; counters that lag behind the records are raised. Then every operation in flight
    /// restarts its current step now, with this run's step duration.
    /// </summary>
    private void Recover()
    {
        var changes = new List<DocumentChange>();
        foreach (var orphan in _images.Values.Where(i => !_operations.ContainsKey(i.OperationId)).ToList())
        {
            _images.Remove(orphan.Id);
            changes.Add(new DocumentChange(ImageKind, orphan.Id, null));
            _recovered.Add($"Dropped image {orphan.Id}: its operation {orphan.OperationId} was never written, so its create was never acknowledged.");
        }

        long highestSequence = _images.Values.Select(i => i.Sequence).Concat(_profiles.Values.Select(p => p.Sequence)).DefaultIfEmpty(0).Max();
        bool metaChanged = highestSequence > _meta.Sequence;
        _meta.Sequence = Math.Max(_meta.Sequence, highestSequence);
        foreach (var image in _images.Values.Where(i => i.Version > _meta.LastImageVersions.GetValueOrDefault(i.Name)))
        {
            _meta.LastImageVersions[image.Name] = image.Version;
            metaChanged = true;
        }

        if (metaChanged)
        {
            changes.Add(Upsert(MetaKind, "meta", _meta));
        }

        var now = Now;
        foreach (var operation in _operations.Values.Where(o => !o.IsTerminal))
        {
            operation.PhaseStartedAt = now;
            operation.Log.Add($"{Stamp(now)} Emulator restarted; {operation.OperationType} operation resumed in state {operation.State}.");
            changes.Add(Upsert(OperationKind, operation.Id, operation));
        }

        Commit([.. changes]);
    }

    /// <summary>The models registered at first start (<see cref="EmulatorOptions.SeedModels"/>).</summary>
    private static class SeedModels
    {
        public static void AddTo(EmulatorStore store)
        {
            var created = store.Now;

            // Registered from a training run: run, experiment and datasets are known, and the creator signed in as a
            // guest of the tenant (identity provider and alternative security id are set).
            var sklearn = Registered("sklearn-model", "ScikitLearn", "1.3.2", "Ridge regression model for demand forecasting.", "0d6e4c1b2a3f4e5d8c9b7a6f5e4d3c2b", "forecasting", created);
            sklearn.RunId = "forecast-train_1740816000_5c1d2e3f";
            sklearn.ExperimentName = "forecast-train";
            sklearn.Properties = new Dictionary<string, string> { ["accuracy"] = "0.93" };
            sklearn.Datasets = [new DatasetReference { Name = "sales-history", Id = "7b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" }];
            sklearn.ResourceRequirements = new ContainerResourceRequirements { Cpu = 0.5, MemoryInGB = 1.0, Gpu = 0, Fpga = 0 };
            sklearn.SampleInputData = "aml://dataset/3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9";
            sklearn.SampleOutputData = "aml://dataset/9f0a1b2c-3d4e-4f5a-8b7c-6d5e4f3a2b1c";
            store.AddModel(sklearn, EmulatorUsers.Guest);

            // Registered from uploaded files, not from a run: no run, experiment, datasets, requirements or samples.
            // Version 2 is derived from version 1.
            for (int version = 1; version <= 2; version++)
            {
                var onnx = Registered("onnx-resnet", "Onnx", "1.16", "ResNet-50 image classifier.", "6a1b2c3d4e5f40718293a4b5c6d7e8f9", "vision", created);
                onnx.ParentModelId = version == 2 ? "onnx-resnet:1" : null;
                onnx.DerivedModelIds = version == 1 ? ["onnx-resnet:2"] : null;
                store.AddModel(onnx, EmulatorUsers.Member);
            }
        }

        private static Model Registered(string name, string framework, string frameworkVersion, string description, string asset, string area, DateTimeOffset created) => new()
        {
            Name = name,
            Framework = framework,
            FrameworkVersion = frameworkVersion,
            Description = description,
            Url = $"aml://asset/{asset}",
            MimeType = "application/octet-stream",
            Unpack = false,
            CreatedTime = created,
            ModifiedTime = created,
            KvTags = new Dictionary<string, string> { ["area"] = area },
        };
    }
}

/// <summary>The identities the emulator records as creators (a request's bearer token carries no claims here).</summary>
internal static class EmulatorUsers
{
    private const string TenantId = "72f1a6c8-3b9e-4d0a-8c5f-1e2d3c4b5a69";

    /// <summary>A member of the tenant: the creator of everything registered through the emulator's API.</summary>
    public static User Member => Create("5e0c6a2f-8d1b-4f3e-9c7a-0b2d4f6e8a1c", "10032001A4C2E6F8", null, null, "Emulator User");

    /// <summary>A guest signed in with a Microsoft account (identity provider and alternative security id set).</summary>
    public static User Guest => Create("c41d7e9a-2f6b-4a80-b3e5-7d9f1a2c4e6b", "100320025F1B3D7A", "live.com", "1:live.com:00037FFE5A9C1D2B", "Guest Data Scientist");

    private static User Create(string objectId, string puId, string? idp, string? altSecId, string name) => new()
    {
        UserObjectId = objectId,
        UserPuId = puId,
        UserIdp = idp,
        UserAltSecId = altSecId,
        UserIss = $"https://sts.windows.net/{TenantId}/",
        UserTenantId = TenantId,
        UserName = name,
    };
}
