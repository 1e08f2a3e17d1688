using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace ImageService.Emulator.Tests;

public sealed class PersistenceTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"emulator-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Restart_WithDataFile_KeepsImagesAndFinishesInFlightOperations()
    {
        string location;
        await using (var before = await Harness.StartAsync(o =>
        {
            o.DataFile = _file;
            o.BuildStepDuration = TimeSpan.FromHours(1); // the build cannot finish before the restart
        }))
        {
            using var failing = await before.CreateAsync("kept", ""","kvTags":{"emulator.build":"fail","team":"x"}""");
            Assert.Equal(HttpStatusCode.Accepted, failing.StatusCode);
            using var response = await before.CreateAsync("inflight", ""","modelIds":["onnx-resnet:2"]""");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            location = response.Headers.GetValues("Operation-Location").Single();
            Assert.Equal("NotStarted", (await before.GetJsonAsync(location))["state"]!.GetValue<string>());
        }

        await using var after = await Harness.StartAsync(o =>
        {
            o.DataFile = _file;
            o.BuildStepDuration = TimeSpan.FromMilliseconds(5);
        });
        string operationId = location[(location.LastIndexOf('/') + 1)..];
        var operation = await after.WaitAsync($"operations/{operationId}");
        Assert.Equal("Succeeded", operation["state"]!.GetValue<string>());
        Assert.Contains("resumed", operation["operationLog"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Succeeded", (await after.GetJsonAsync("images/inflight:1"))["creationState"]!.GetValue<string>());
        Assert.Equal(2, after.Emulator.Images.Count);
        Assert.Equal("x", after.Emulator.GetImage("kept:1")!.KvTags["team"]);
        var failed = await after.WaitAsync($"operations/{after.Emulator.GetImage("kept:1")!.OperationId}");
        Assert.Equal("Failed", failed["state"]!.GetValue<string>());
        Assert.Equal(3, (await after.GetJsonAsync("models"))["value"]!.AsArray().Count); // seeded once, not twice

        // The version counter survived too.
        var next = await after.CreateAndWaitAsync("inflight");
        Assert.EndsWith("inflight:2", next["resourceLocation"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OperationInsertFailsInTheFile_NothingAppliedAndTheStoreIsConsistentAfterRestart()
    {
        await using (var before = await Harness.StartAsync(o => o.DataFile = _file))
        {
            await before.CreateAndWaitAsync("kept", ""","kvTags":{"team":"x"}""");

            // The failure between the statements of a create: the image row is written, the operation row is refused.
            Sql("CREATE TRIGGER fail_new_operation BEFORE INSERT ON documents WHEN NEW.kind = 'operation' "
                + "AND NOT EXISTS (SELECT 1 FROM documents WHERE kind = 'operation' AND id = NEW.id) BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
            using var refused = await before.CreateAsync("victim");
            var error = await Harness.ErrorAsync(refused, HttpStatusCode.InternalServerError);
            Assert.Contains("injected failure", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.False(refused.Headers.Contains("Operation-Location"));

            // Not acknowledged, not applied: the running emulator does not show it either.
            using var notThere = await before.Http.GetAsync("images/victim:1");
            await Harness.ErrorAsync(notThere, HttpStatusCode.NotFound);
            Assert.Equal(["kept:1"], before.Emulator.Images.Select(i => i.Id));

            // An acknowledged write while the trigger is armed (a patch writes no new operation) is kept.
            using var patched = await before.Http.PatchAsync("images/kept:1", Harness.Json("""[{"op":"replace","path":"/kvTags","value":{"team":"y"}}]"""));
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            Sql("DROP TRIGGER fail_new_operation;");
        }

        await using var after = await Harness.StartAsync(o => o.DataFile = _file);
        var image = Assert.Single(after.Emulator.Images);
        Assert.Equal("kept:1", image.Id);
        Assert.Equal("y", image.KvTags["team"]);
        foreach (var operation in after.Emulator.Operations)
        {
            Assert.NotNull(after.Emulator.GetImage(operation.ResourceLocation[(operation.ResourceLocation.LastIndexOf('/') + 1)..]));
        }

        Assert.Equal("Succeeded", (await after.GetJsonAsync($"operations/{image.OperationId}"))["state"]!.GetValue<string>());
        var retried = await after.CreateAndWaitAsync("victim");
        Assert.EndsWith("/images/victim:1", retried["resourceLocation"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildStep_ImageWriteFailsInTheFile_OperationAndImageStayInStep()
    {
        // The emulator's clock is a fake one: a build step happens exactly when the test moves it.
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-02T10:00:00Z", CultureInfo.InvariantCulture));
        string location;
        await using (var before = await Harness.StartAsync(o =>
        {
            o.DataFile = _file;
            o.BuildStepDuration = TimeSpan.FromMinutes(1);
            o.TimeProvider = clock;
        }))
        {
            using var created = await before.CreateAsync("stuck");
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
            location = created.Headers.GetValues("Operation-Location").Single();

            // Every image write is refused from now on: the step to Running changes the operation and its image
            // together, so neither may move without the other, in the file or in memory.
            Sql("CREATE TRIGGER fail_image_update BEFORE UPDATE ON documents WHEN NEW.kind = 'image' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
            clock.Advance(TimeSpan.FromMinutes(1));
            using var poll = await before.Http.GetAsync(location);
            await Harness.ErrorAsync(poll, HttpStatusCode.InternalServerError);
            Assert.Equal(("NotStarted", "NotStarted"), (FileState("operation", "stuck"), FileState("image", "stuck")));
            Sql("DROP TRIGGER fail_image_update;");

            // Nothing was half-applied in memory either: the step happens now, whole.
            var running = await before.GetJsonAsync(location);
            Assert.Equal("Running", running["state"]!.GetValue<string>());
            Assert.Equal("Running", (await before.GetJsonAsync("images/stuck:1"))["creationState"]!.GetValue<string>());
            Assert.Equal(("Running", "Running"), (FileState("operation", "stuck"), FileState("image", "stuck")));
        }

        await using var after = await Harness.StartAsync(o => o.DataFile = _file);
        var done = await after.WaitAsync($"operations/{location[(location.LastIndexOf('/') + 1)..]}");
        Assert.Equal("Succeeded", done["state"]!.GetValue<string>());
        Assert.Equal("Succeeded", (await after.GetJsonAsync("images/stuck:1"))["creationState"]!.GetValue<string>());
    }

    [Fact]
    public async Task Load_ImageWhoseOperationWasNeverWritten_IsDroppedAsNeverAcknowledged()
    {
        // What a crash of the statement-by-statement emulator left behind: the image row without its operation row.
        await using (var before = await Harness.StartAsync(o => o.DataFile = _file))
        {
            await before.CreateAndWaitAsync("kept");
            await before.CreateAndWaitAsync("orphan");
            Sql($"DELETE FROM documents WHERE kind = 'operation' AND id = '{before.Emulator.GetImage("orphan:1")!.OperationId}';");
        }

        await using var after = await Harness.StartAsync(o => o.DataFile = _file);
        Assert.Equal(["kept:1"], after.Emulator.Images.Select(i => i.Id));
        using var orphan = await after.Http.GetAsync("images/orphan:1");
        await Harness.ErrorAsync(orphan, HttpStatusCode.NotFound);
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM documents WHERE kind = 'image' AND id = 'orphan:1';"));
    }

    /// <summary>The state an image's record or its operation's record has in the data file (by image name).</summary>
    private string FileState(string kind, string imageName) => kind == "image"
        ? (string)Scalar($"SELECT json_extract(json, '$.CreationState') FROM documents WHERE kind = 'image' AND id = '{imageName}:1';")!
        : (string)Scalar($"SELECT json_extract(json, '$.State') FROM documents WHERE kind = 'operation' AND json_extract(json, '$.TargetId') = '{imageName}:1';")!;

    private void Sql(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _file, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        foreach (string file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }
}
