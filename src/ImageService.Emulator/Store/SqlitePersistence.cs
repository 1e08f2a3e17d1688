using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace ImageService.Emulator.Store;

/// <summary>Write-through persistence of the store: one table of JSON documents keyed by kind and id.</summary>
internal sealed class SqlitePersistence : IDisposable
{
    private readonly SqliteConnection _connection;

    public SqlitePersistence(string file)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate };
        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("CREATE TABLE IF NOT EXISTS documents (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id));");
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

    public void Upsert(string kind, string id, string json)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "INSERT INTO documents (kind, id, json) VALUES ($kind, $id, $json) ON CONFLICT (kind, id) DO UPDATE SET json = excluded.json;";
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$json", json);
        command.ExecuteNonQuery();
    }

    public void Delete(string kind, string id)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "DELETE FROM documents WHERE kind = $kind AND id = $id;";
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
