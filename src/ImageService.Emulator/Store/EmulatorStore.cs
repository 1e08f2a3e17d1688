using System;
using System.Collections.Generic;
using System.Globalization;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageService.Emulator.Contracts;
using Newtonsoft.Json;

namespace ImageService.Emulator.Store;

/// <summary>
/// The whole state of the emulator. Every mutation (a create with its operation and counters, a patch, a delete, a build
/// step) runs alone, behind an asynchronous gate, on copies: it commits them to SQLite in one transaction when a data
/// file is configured, and only then publishes them. A failed write changes nothing, and a crash between two statements
/// cannot leave half a mutation in the file.
/// <para>
/// Readers never wait for a writer: records are never changed once published (a mutation replaces them), and the
/// collections are immutable, swapped whole. A request waiting for the gate awaits it without holding a thread, so a
/// burst of writes (or a slow disk under them) cannot starve the thread pool that Kestrel needs to accept connections
/// and read requests. Operations advance with the clock: a read first runs the build steps that are due (through the
/// gate, only when one is due), and a timer runs them too.
/// </para>
/// </summary>
internal sealed class EmulatorStore : IDisposable
{
    private const string ImageKind = "image";
    private const string OperationKind = "operation";
    private const string ModelKind = "model";
    private const string ProfileKind = "profile";
    private const string MetaKind = "meta";

    private static readonly JsonSerializerSettings s_settings = new() { DateParseHandling = DateParseHandling.DateTimeOffset };

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<string> _recovered = [];
    private readonly SqlitePersistence? _persistence;
    private readonly TimeProvider _time;
    private readonly TimeSpan _step;
    private readonly int _tagHistoryCapacity;

    // Written only behind the gate, read by anyone: each is replaced whole, never changed in place.
    private ImmutableDictionary<string, ImageRecord> _images = ImmutableDictionary.Create<string, ImageRecord>(StringComparer.Ordinal);
    private ImmutableDictionary<string, OperationRecord> _operations = ImmutableDictionary.Create<string, OperationRecord>(StringComparer.Ordinal);
    private ImmutableDictionary<string, ModelRecord> _models = ImmutableDictionary.Create<string, ModelRecord>(StringComparer.Ordinal);
    private ImmutableDictionary<string, ProfileRecord> _profiles = ImmutableDictionary.Create<string, ProfileRecord>(StringComparer.Ordinal);
    private ImmutableDictionary<string, ImmutableQueue<IReadOnlyDictionary<string, string>>> _tagHistory =
        ImmutableDictionary.Create<string, ImmutableQueue<IReadOnlyDictionary<string, string>>>(StringComparer.Ordinal);
    private MetaRecord _meta = new();
    private long _nextStepDueTicks = long.MaxValue;

    // Behind the gate: the operations not yet terminal, so that a build step or a create costs the same however many
    // operations have finished before.
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);

    public EmulatorStore(EmulatorOptions options)
    {
        _time = options.TimeProvider;
        _step = options.BuildStepDuration;
        _tagHistoryCapacity = options.TagHistoryCapacity;
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

        if (options.SeedModels && _models.IsEmpty)
        {
            SeedModels.AddTo(this);
        }
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>What loading the data file repaired (records a crash of an older emulator left half-written).</summary>
    public IReadOnlyList<string> Recovered => _recovered;

    // ---- models ----

    public IReadOnlyList<ModelRecord> Models() =>
        [.. Volatile.Read(ref _models).Values.OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Version)];

    public ModelRecord? FindModel(string id) => Volatile.Read(ref _models).GetValueOrDefault(id);

    /// <summary>Registers a model: the version is the last one of that name plus one; the service fills id, times and creator.</summary>
    public Task<ModelRecord> AddModelAsync(Model body, User createdBy, CancellationToken cancellationToken = default) =>
        MutateAsync(() => AddModelCore(body, createdBy), cancellationToken);

    // ---- images ----

    public async Task<IReadOnlyList<ImageRecord>> ImagesAsync(CancellationToken cancellationToken = default)
    {
        await AdvanceIfDueAsync(cancellationToken);
        return [.. Volatile.Read(ref _images).Values];
    }

    public async Task<ImageRecord?> FindImageAsync(string id, CancellationToken cancellationToken = default)
    {
        await AdvanceIfDueAsync(cancellationToken);
        return Volatile.Read(ref _images).GetValueOrDefault(id);
    }

    /// <summary>For the inspection API (a test's thread may wait here).</summary>
    public IReadOnlyList<ImageRecord> Images()
    {
        AdvanceIfDue();
        return [.. Volatile.Read(ref _images).Values];
    }

    /// <summary>For the inspection API.</summary>
    public ImageRecord? FindImage(string id)
    {
        AdvanceIfDue();
        return Volatile.Read(ref _images).GetValueOrDefault(id);
    }

    /// <summary>The newest tag maps of an image, oldest first (at most <see cref="EmulatorOptions.TagHistoryCapacity"/>).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> TagHistory(string id) =>
        Volatile.Read(ref _tagHistory).TryGetValue(id, out var history) ? [.. history] : [];

    /// <summary>
    /// Adds an image (its version is assigned here), the operation that builds it and the counters, in one commit. With
    /// <paramref name="built"/> (a seeded image), the build has already run: the operation is terminal at once.
    /// </summary>
    public Task<(ImageRecord Image, OperationRecord Operation)> CreateImageAsync(ImageRecord image, string resourcePrefix, string requestId, bool fail, bool built = false, CancellationToken cancellationToken = default) =>
        MutateAsync(() =>
        {
            AdvanceCore();
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
            image.TagChangeCount = 1;
            OperationRecord operation = QueuedOperation(image.OperationId, "Image", now, $"{resourcePrefix}/images/{image.Id}", image.Id, requestId, fail, $"Image build for {image.Id} queued.");
            while (built && !operation.IsTerminal)
            {
                Step(operation, image, null, now);
            }

            Commit(Upsert(ImageKind, image.Id, image), Upsert(OperationKind, operation.Id, operation), Upsert(MetaKind, "meta", meta));
            PublishImage(image);
            PublishOperation(operation, meta);
            return (image, operation);
        }, cancellationToken);

    /// <summary>
    /// Runs a mutation on a copy of an image; when it reports a change, the copy is committed and then replaces the
    /// image. A mutation that reports no change (or throws) leaves the image as it was. The mutation counts a change
    /// of the tags in <see cref="ImageRecord.TagChangeCount"/>.
    /// </summary>
    public Task<T?> UpdateImageAsync<T>(string id, Func<ImageRecord, (bool Changed, T Result)> update, CancellationToken cancellationToken = default) =>
        MutateAsync(() =>
        {
            AdvanceCore();
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
                PublishImage(copy, tagsChanged: copy.TagChangeCount != current.TagChangeCount);
            }

            return result;
        }, cancellationToken);

    /// <summary>Deletes an image and its profiles in one commit. Its operation stays, as the service keeps it.</summary>
    public Task DeleteImageAsync(string id, CancellationToken cancellationToken = default) =>
        MutateAsync(() =>
        {
            var profiles = _profiles.Values.Where(p => p.ImageId == id).ToList();
            var changes = new List<DocumentChange>();
            if (_images.ContainsKey(id))
            {
                changes.Add(new DocumentChange(ImageKind, id, null));
            }

            changes.AddRange(profiles.Select(p => new DocumentChange(ProfileKind, p.Key, null)));
            Commit([.. changes]);
            Volatile.Write(ref _images, _images.Remove(id));
            Volatile.Write(ref _tagHistory, _tagHistory.Remove(id));
            Volatile.Write(ref _profiles, _profiles.RemoveRange(profiles.Select(p => p.Key)));
            return true;
        }, cancellationToken);

    // ---- operations ----

    public async Task<OperationRecord?> FindOperationAsync(string id, CancellationToken cancellationToken = default)
    {
        await AdvanceIfDueAsync(cancellationToken);
        return Volatile.Read(ref _operations).GetValueOrDefault(id);
    }

    /// <summary>For the inspection API.</summary>
    public IReadOnlyList<OperationRecord> Operations()
    {
        AdvanceIfDue();
        return [.. Volatile.Read(ref _operations).Values];
    }

    // ---- profiles ----

    public async Task<IReadOnlyList<ProfileRecord>> ProfilesAsync(string imageId, CancellationToken cancellationToken = default)
    {
        await AdvanceIfDueAsync(cancellationToken);
        return [.. Volatile.Read(ref _profiles).Values.Where(p => p.ImageId == imageId)];
    }

    public async Task<ProfileRecord?> FindProfileAsync(string imageId, string name, CancellationToken cancellationToken = default)
    {
        await AdvanceIfDueAsync(cancellationToken);
        return Volatile.Read(ref _profiles).GetValueOrDefault($"{imageId}/{name}");
    }

    /// <summary>Adds a profile, the operation that runs it and the counters, in one commit.</summary>
    public Task<OperationRecord> CreateProfileAsync(ProfileRecord profile, string resourcePrefix, string requestId, bool fail, CancellationToken cancellationToken = default) =>
        MutateAsync(() =>
        {
            var now = Now;
            var meta = Clone(_meta);
            profile.CreatedTime = now;
            profile.Sequence = ++meta.Sequence;
            OperationRecord operation = QueuedOperation(Guid.NewGuid().ToString(), "Profile", now, $"{resourcePrefix}/images/{profile.ImageId}/profiles/{profile.Name}", profile.ImageId, requestId, fail, $"Profiling of {profile.ImageId} queued.");
            operation.ProfileName = profile.Name;
            Commit(Upsert(ProfileKind, profile.Key, profile), Upsert(OperationKind, operation.Id, operation), Upsert(MetaKind, "meta", meta));
            Volatile.Write(ref _profiles, _profiles.SetItem(profile.Key, profile));
            PublishOperation(operation, meta);
            return operation;
        }, cancellationToken);

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

    private ModelRecord AddModelCore(Model body, User createdBy)
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
        Volatile.Write(ref _models, _models.SetItem(record.Id, record));
        return record;
    }

    /// <summary>After the commit that stored it: the image becomes what readers see, and a new tag map joins its history.</summary>
    private void PublishImage(ImageRecord image, bool tagsChanged = true)
    {
        Volatile.Write(ref _images, _images.SetItem(image.Id, image));
        if (tagsChanged)
        {
            var history = _tagHistory.GetValueOrDefault(image.Id, ImmutableQueue<IReadOnlyDictionary<string, string>>.Empty)
                .Enqueue(new Dictionary<string, string>(image.KvTags ?? [], StringComparer.Ordinal));
            while (history.Count() > _tagHistoryCapacity)
            {
                history = history.Dequeue();
            }

            Volatile.Write(ref _tagHistory, _tagHistory.SetItem(image.Id, history));
        }
    }

    /// <summary>After the commit that stored them: the new operation and counters become what readers see.</summary>
    private void PublishOperation(OperationRecord operation, MetaRecord meta)
    {
        Volatile.Write(ref _operations, _operations.SetItem(operation.Id, operation));
        if (!operation.IsTerminal)
        {
            _inFlight.Add(operation.Id);
        }

        _meta = meta;
        ScheduleNextStep();
    }

    // ---- the gate ----

    private async Task<T> MutateAsync<T>(Func<T> mutation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return mutation();
        }
        finally
        {
            _gate.Release();
        }
    }

    private T Mutate<T>(Func<T> mutation)
    {
        _gate.Wait();
        try
        {
            return mutation();
        }
        finally
        {
            _gate.Release();
        }
    }

    // ---- the build state machine ----

    private bool StepIsDue => Now.UtcTicks >= Interlocked.Read(ref _nextStepDueTicks);

    /// <summary>Runs the build steps that are due, if any (the timer's call).</summary>
    public Task AdvanceAsync(CancellationToken cancellationToken = default) => AdvanceIfDueAsync(cancellationToken).AsTask();

    private async ValueTask AdvanceIfDueAsync(CancellationToken cancellationToken)
    {
        if (StepIsDue)
        {
            await MutateAsync(AdvanceCore, cancellationToken);
        }
    }

    private void AdvanceIfDue()
    {
        if (StepIsDue)
        {
            Mutate(AdvanceCore);
        }
    }

    /// <summary>
    /// Moves every unfinished operation along: NotStarted and Running each last one build step. Each operation's steps
    /// and the record it builds (image or profile) are committed together, then replace the records readers see.
    /// Runs behind the gate.
    /// </summary>
    private bool AdvanceCore()
    {
        var now = Now;
        foreach (var current in _inFlight.Select(id => _operations[id]).Where(o => now - o.PhaseStartedAt >= _step).ToList())
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
            Volatile.Write(ref _operations, _operations.SetItem(operation.Id, operation));
            if (operation.IsTerminal)
            {
                _inFlight.Remove(operation.Id);
            }

            if (image is not null)
            {
                PublishImage(image, tagsChanged: false);
            }

            if (profile is not null)
            {
                Volatile.Write(ref _profiles, _profiles.SetItem(profile.Key, profile));
            }
        }

        ScheduleNextStep();
        return true;
    }

    /// <summary>When the next build step is due, so that readers only take the gate when one is.</summary>
    private void ScheduleNextStep()
    {
        long next = long.MaxValue;
        foreach (string id in _inFlight)
        {
            next = Math.Min(next, (_operations[id].PhaseStartedAt + _step).UtcTicks);
        }

        Interlocked.Exchange(ref _nextStepDueTicks, next);
    }

    public void Dispose()
    {
        _persistence?.Dispose();
        _gate.Dispose();
    }

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
        var images = new Dictionary<string, ImageRecord>(StringComparer.Ordinal);
        foreach (var (_, json) in _persistence!.Load(ImageKind))
        {
            var image = JsonConvert.DeserializeObject<ImageRecord>(json, s_settings)!;
            images[image.Id] = image;
        }

        foreach (var (_, json) in _persistence.Load(ModelKind))
        {
            var model = JsonConvert.DeserializeObject<ModelRecord>(json, s_settings)!;
            _models = _models.SetItem(model.Id, model);
        }

        foreach (var (_, json) in _persistence.Load(ProfileKind))
        {
            var profile = JsonConvert.DeserializeObject<ProfileRecord>(json, s_settings)!;
            _profiles = _profiles.SetItem(profile.Key, profile);
        }

        foreach (var (_, json) in _persistence.Load(MetaKind))
        {
            _meta = JsonConvert.DeserializeObject<MetaRecord>(json, s_settings)!;
        }

        var operations = new Dictionary<string, OperationRecord>(StringComparer.Ordinal);
        foreach (var (_, json) in _persistence.Load(OperationKind))
        {
            var operation = JsonConvert.DeserializeObject<OperationRecord>(json, s_settings)!;
            operations[operation.Id] = operation;
        }

        Recover(images, operations);
        _operations = operations.ToImmutableDictionary(StringComparer.Ordinal);
        _inFlight.UnionWith(operations.Values.Where(o => !o.IsTerminal).Select(o => o.Id));
        foreach (var image in images.Values)
        {
            // A file written before TagChangeCount existed counts the tags it holds as the one change it knows.
            image.TagChangeCount = Math.Max(image.TagChangeCount, 1);
            PublishImage(image);
        }

        ScheduleNextStep();
    }

    /// <summary>
    /// Repairs what an emulator that wrote statement by statement (before every mutation was one transaction) could
    /// leave after a crash: an image whose operation was never written was never acknowledged (the 202 comes after the
    /// writes), so it is dropped; counters that lag behind the records are raised. Then every operation in flight
    /// restarts its current step now, with this run's step duration.
    /// </summary>
    private void Recover(Dictionary<string, ImageRecord> images, Dictionary<string, OperationRecord> operations)
    {
        var changes = new List<DocumentChange>();
        foreach (var orphan in images.Values.Where(i => !operations.ContainsKey(i.OperationId)).ToList())
        {
            images.Remove(orphan.Id);
            changes.Add(new DocumentChange(ImageKind, orphan.Id, null));
            _recovered.Add($"Dropped image {orphan.Id}: its operation {orphan.OperationId} was never written, so its create was never acknowledged.");
        }

        long highestSequence = images.Values.Select(i => i.Sequence).Concat(_profiles.Values.Select(p => p.Sequence)).DefaultIfEmpty(0).Max();
        bool metaChanged = highestSequence > _meta.Sequence;
        _meta.Sequence = Math.Max(_meta.Sequence, highestSequence);
        foreach (var image in images.Values.Where(i => i.Version > _meta.LastImageVersions.GetValueOrDefault(i.Name)))
        {
            _meta.LastImageVersions[image.Name] = image.Version;
            metaChanged = true;
        }

        if (metaChanged)
        {
            changes.Add(Upsert(MetaKind, "meta", _meta));
        }

        var now = Now;
        foreach (var operation in operations.Values.Where(o => !o.IsTerminal))
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
            store.AddModelCore(sklearn, EmulatorUsers.Guest);

            // Registered from uploaded files, not from a run: no run, experiment, datasets, requirements or samples.
            // Version 2 is derived from version 1.
            for (int version = 1; version <= 2; version++)
            {
                var onnx = Registered("onnx-resnet", "Onnx", "1.16", "ResNet-50 image classifier.", "6a1b2c3d4e5f40718293a4b5c6d7e8f9", "vision", created);
                onnx.ParentModelId = version == 2 ? "onnx-resnet:1" : null;
                onnx.DerivedModelIds = version == 1 ? ["onnx-resnet:2"] : null;
                store.AddModelCore(onnx, EmulatorUsers.Member);
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
