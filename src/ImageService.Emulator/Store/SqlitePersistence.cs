using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace ImageService.Emulator.Store;

/// <summary>One document to write (<see cref="Json"/>) or delete (<see cref="Json"/> null) in a <see cref="SqlitePersistence.Commit"/>.</summary>
internal readonly record struct DocumentChange(string Kind, string Id, string? Json);

/// <summary>
/// Persistence of the store: one table of JSON documents keyed by kind and id. Every mutation of the store is one
/// <see cref="Commit"/>, one SQLite transaction: all of its documents are written, or none is.
/// </summary>
internal sealed class SqlitePersistence : IDisposable
{
    private readonly SqliteConnection _connection;

    public SqlitePersistence(string file)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate };
        _connection = new SqliteConnection(builder.ToString());
        try
        {
            _connection.Open();
            Execute("PRAGMA journal_mode=WAL;");
            // In WAL mode, NORMAL syncs the log at checkpoints rather than at every commit: a commit is still atomic and
            // survives a crash of the emulator; only a power cut can lose the newest commits (never half of one).
            // FULL made every acknowledged write wait for the disk while it held the store's gate.
            Execute("PRAGMA synchronous=NORMAL;");
            Execute("CREATE TABLE IF NOT EXISTS documents (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id));");
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public IReadOnlyList<(string Id, string Json)> Load(string kind)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT id, json FROM documents WHERE kind = $kind;";
        command.Parameters.AddWithValue("$kind", kind);
        using var reader = command.ExecuteReader();
        var result = new List<(string, string)>();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetString(1)));
        }

        return result;
    }

    /// <summary>Writes every change in one transaction; on any failure none of them is written and the exception propagates.</summary>
    public void Commit(IReadOnlyList<DocumentChange> changes)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var change in changes)
        {
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.Parameters.AddWithValue("$kind", change.Kind);
            command.Parameters.AddWithValue("$id", change.Id);
            if (change.Json is null)
            {
                command.CommandText = "DELETE FROM documents WHERE kind = $kind AND id = $id;";
            }
            else
            {
                command.CommandText = "INSERT INTO documents (kind, id, json) VALUES ($kind, $id, $json) ON CONFLICT (kind, id) DO UPDATE SET json = excluded.json;";
                command.Parameters.AddWithValue("$json", change.Json);
            }

            command.ExecuteNonQuery();
        }

        // Disposing without Commit rolls the whole transaction back.
        transaction.Commit();
    }

    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
