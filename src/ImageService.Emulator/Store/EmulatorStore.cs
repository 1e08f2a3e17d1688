using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ImageService.Emulator.Store;

/// <summary>
/// The whole state of the emulator behind one lock. Every mutation is written through to SQLite when a data file is
/// configured. Operations advance with the clock: <see cref="Advance"/> runs before every read and on a timer.
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
    private readonly List<RecordedRequest> _requests = [];
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
            Load();
        }

        if (options.SeedModels && _models.Count == 0)
        {
            Seed();
        }
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    public object Gate => _gate;

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

    public ModelRecord AddModel(string name, JObject body)
    {
        lock (_gate)
        {
            long version = _models.Values.Where(m => m.Name == name).Select(m => m.Version).DefaultIfEmpty(0).Max() + 1;
            var now = Now;
            body["id"] = $"{name}:{version}";
            body["name"] = name;
            body["version"] = version;
            body["createdTime"] ??= now;
            body["modifiedTime"] ??= now;
            var model = new ModelRecord { Name = name, Version = version, Body = body };
            _models[model.Id] = model;
            Save(ModelKind, model.Id, model);
            return model;
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

    /// <summary>Adds an image (its version is assigned here) and the operation that builds it.</summary>
    public (ImageRecord Image, OperationRecord Operation) CreateImage(ImageRecord image, string resourcePrefix, string requestId, bool fail)
    {
        lock (_gate)
        {
            Advance();
            var now = Now;
            long last = Math.Max(
                _meta.LastImageVersions.GetValueOrDefault(image.Name),
                _images.Values.Where(i => i.Name == image.Name).Select(i => i.Version).DefaultIfEmpty(0).Max());
            image.Version = last + 1;
            image.Sequence = ++_meta.Sequence;
            _meta.LastImageVersions[image.Name] = image.Version;
            image.CreatedTime = now;
            image.ModifiedTime = now;
            image.CreationState = "NotStarted";
            image.OperationId = Guid.NewGuid().ToString();
            image.ImageBuildLogUri = $"https://emulatorstorage.blob.core.windows.net/azureml/ImageLogs/{image.OperationId}/build.log";
            image.GeneratedDockerFileUri = $"https://emulatorstorage.blob.core.windows.net/azureml/ImageDockerfiles/{image.Name}-{image.Version}/Dockerfile.generated";
            image.TagHistory.Add(new Dictionary<string, string>(image.KvTags, StringComparer.Ordinal));
            var operation = new OperationRecord
            {
                Id = image.OperationId,
                OperationType = "Image",
                CreatedTime = now,
                PhaseStartedAt = now,
                ResourceLocation = $"{resourcePrefix}/images/{image.Id}",
                TargetId = image.Id,
                RequestId = requestId,
                FailRequested = fail,
            };
            operation.Log.Add($"{Stamp(now)} Image build for {image.Id} queued.");
            _images[image.Id] = image;
            _operations[operation.Id] = operation;
            Save(ImageKind, image.Id, image);
            Save(OperationKind, operation.Id, operation);
            Save(MetaKind, "meta", _meta);
            Advance();
            return (image, operation);
        }
    }

    /// <summary>Runs a mutation of an image under the lock and persists it when it returns true.</summary>
    public T? UpdateImage<T>(string id, Func<ImageRecord, (bool Changed, T Result)> update)
    {
        lock (_gate)
        {
            Advance();
            if (!_images.TryGetValue(id, out var image))
            {
                return default;
            }

            var (changed, result) = update(image);
            if (changed)
            {
                image.ModifiedTime = Now;
                Save(ImageKind, image.Id, image);
            }

            return result;
        }
    }

    public void DeleteImage(string id)
    {
        lock (_gate)
        {
            if (_images.Remove(id))
            {
                _persistence?.Delete(ImageKind, id);
            }

            foreach (var profile in _profiles.Values.Where(p => p.ImageId == id).ToList())
            {
                _profiles.Remove(profile.Key);
                _persistence?.Delete(ProfileKind, profile.Key);
            }
        }
    }

    // ---- operations ----

    public OperationRecord? FindOperation(string id)
    {
        lock (_gate)
        {
            Advance();
            return _operations.TryGetValue(id, out var operation) ? Clone(operation) : null;
        }
    }

    public IReadOnlyList<OperationRecord> Operations()
    {
        lock (_gate)
        {
            Advance();
            return [.. _operations.Values.Select(Clone)];
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

    public OperationRecord CreateProfile(ProfileRecord profile, string resourcePrefix, string requestId)
    {
        lock (_gate)
        {
            var now = Now;
            profile.CreatedTime = now;
            profile.Sequence = ++_meta.Sequence;
            var operation = new OperationRecord
            {
                Id = Guid.NewGuid().ToString(),
                OperationType = "Profile",
                CreatedTime = now,
                PhaseStartedAt = now,
                ResourceLocation = $"{resourcePrefix}/images/{profile.ImageId}/profiles/{profile.Name}",
                TargetId = profile.ImageId,
                ProfileName = profile.Name,
                RequestId = requestId,
            };
            operation.Log.Add($"{Stamp(now)} Profiling of {profile.ImageId} queued.");
            _profiles[profile.Key] = profile;
            _operations[operation.Id] = operation;
            Save(ProfileKind, profile.Key, profile);
            Save(OperationKind, operation.Id, operation);
            Save(MetaKind, "meta", _meta);
            Advance();
            return operation;
        }
    }

    // ---- request log ----

    public void Record(RecordedRequest request)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }
    }

    public IReadOnlyList<RecordedRequest> Requests()
    {
        lock (_requests)
        {
            return [.. _requests];
        }
    }

    public void ClearRequests()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    // ---- the build state machine ----

    /// <summary>Moves every unfinished operation along: NotStarted and Running each last one build step.</summary>
    public void Advance()
    {
        lock (_gate)
        {
            var now = Now;
            foreach (var operation in _operations.Values)
            {
                bool changed = false;
                while (!operation.IsTerminal && now - operation.PhaseStartedAt >= _step)
                {
                    operation.PhaseStartedAt += _step;
                    Step(operation, operation.PhaseStartedAt);
                    changed = true;
                }

                if (changed)
                {
                    Save(OperationKind, operation.Id, operation);
                }
            }
        }
    }

    private void Step(OperationRecord operation, DateTimeOffset at)
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
            operation.Log.Add($"{Stamp(at)} Step 3/4 : RUN pip install -r requirements.txt");
            operation.Log.Add($"{Stamp(at)} ERROR: the build failed because the image asked for it (tag emulator.build=fail).");
            operation.Error = JObject.FromObject(new
            {
                code = "ImageBuildFailed",
                statusCode = 400,
                message = $"Image build failed for {operation.TargetId}: the emulator was asked to fail it (tag emulator.build=fail). See the operation log.",
                details = new[] { new { code = "DockerBuildFailed", message = "RUN pip install -r requirements.txt returned a non-zero code: 1", target = "imageBuild" } },
            });
        }
        else
        {
            operation.State = "Succeeded";
            operation.EndTime = at;
            operation.Log.Add($"{Stamp(at)} {operation.OperationType} operation succeeded.");
        }

        if (operation.OperationType == "Image" && _images.TryGetValue(operation.TargetId, out var image))
        {
            image.CreationState = operation.State;
            image.ModifiedTime = at;
            if (operation.State == "Succeeded")
            {
                image.ImageLocation = $"emulatorregistry.azurecr.io/{image.Name}:{image.Version.ToString(CultureInfo.InvariantCulture)}";
            }
            else if (operation.State == "Failed")
            {
                image.Error = (JObject?)operation.Error?.DeepClone();
            }

            Save(ImageKind, image.Id, image);
        }
        else if (operation.OperationType == "Profile" && _profiles.TryGetValue($"{operation.TargetId}/{operation.ProfileName}", out var profile))
        {
            profile.State = operation.State;
            Save(ProfileKind, profile.Key, profile);
        }
    }

    public void Dispose() => _persistence?.Dispose();

    private static string Stamp(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture);

    private static OperationRecord Clone(OperationRecord operation) =>
        JsonConvert.DeserializeObject<OperationRecord>(JsonConvert.SerializeObject(operation, s_settings), s_settings)!;

    private void Save<T>(string kind, string id, T value) => _persistence?.Upsert(kind, id, JsonConvert.SerializeObject(value, s_settings));

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

        // Resume: an operation in flight restarts its current step now, with this run's step duration.
        var now = Now;
        foreach (var (_, json) in _persistence.Load(OperationKind))
        {
            var operation = JsonConvert.DeserializeObject<OperationRecord>(json, s_settings)!;
            if (!operation.IsTerminal)
            {
                operation.PhaseStartedAt = now;
                operation.Log.Add($"{Stamp(now)} Emulator restarted; {operation.OperationType} operation resumed in state {operation.State}.");
                Save(OperationKind, operation.Id, operation);
            }

            _operations[operation.Id] = operation;
        }
    }

    private void Seed()
    {
        var created = Now;
        AddModel("sklearn-model", JObject.FromObject(new
        {
            framework = "ScikitLearn",
            frameworkVersion = "1.3.2",
            description = "Ridge regression model for demand forecasting.",
            url = "aml://asset/0d6e4c1b2a3f4e5d8c9b7a6f5e4d3c2b",
            mimeType = "application/octet-stream",
            unpack = false,
            createdTime = created,
            modifiedTime = created,
            runId = "forecast-train_1740816000_5c1d2e3f",
            experimentName = "forecast-train",
            kvTags = new Dictionary<string, string> { ["area"] = "forecasting" },
            properties = new Dictionary<string, string> { ["accuracy"] = "0.93" },
            datasets = new[] { new { name = "sales-history", id = "7b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" } },
        }));
        for (int i = 0; i < 2; i++)
        {
            AddModel("onnx-resnet", JObject.FromObject(new
            {
                framework = "Onnx",
                frameworkVersion = "1.16",
                description = "ResNet-50 image classifier.",
                url = "aml://asset/6a1b2c3d4e5f40718293a4b5c6d7e8f9",
                mimeType = "application/octet-stream",
                unpack = false,
                createdTime = created,
                modifiedTime = created,
                kvTags = new Dictionary<string, string> { ["area"] = "vision" },
                properties = new Dictionary<string, string>(),
            }));
        }
    }
}
