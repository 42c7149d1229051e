using System.Reflection;
using Akka.Configuration;
using Npgsql;
using Xunit.Sdk;

using ConnActors.Tests.Shared;

namespace ConnActors.Actors.Tests.Store;

/// <summary>A real database the peer store runs on in a test, as a <c>connactors.persistence</c> section.</summary>
internal abstract class StoreTarget : IDisposable
{
    public const string Sqlite = "sqlite";
    public const string PostgreSql = "postgresql";

    public abstract Config PersistenceSection { get; }

    /// <summary>Notes that a test wrote under <paramref name="persistenceId"/>, for targets that clean up after it.</summary>
    public virtual void Used(string persistenceId)
    {
    }

    public static StoreTarget Create(string name) => name switch
    {
        Sqlite => new SqliteTarget(),
        PostgreSql => new PostgreSqlTarget(),
        _ => throw new ArgumentException($"unknown store target {name}", nameof(name)),
    };

    public virtual void Dispose()
    {
    }
}

/// <summary>A fresh SQLite file in a temporary data directory, deleted afterwards.</summary>
internal sealed class SqliteTarget : StoreTarget
{
    public string DataDir { get; } = Directory.CreateTempSubdirectory("connactors-peer-store-").FullName;

    public string DatabaseFile => Path.Combine(DataDir, Configuration.PersistenceConfig.SqliteFileName);

    public override Config PersistenceSection => ConfigurationFactory.ParseString(
        $"connactors.persistence {{ provider = sqlite, data-dir = \"{DataDir.Replace("\\", "\\\\", StringComparison.Ordinal)}\" }}");

    public override void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A connection still closing; the temp directory is cleaned by the OS later.
        }
    }
}

/// <summary>
/// The PostgreSQL server of <see cref="PostgreSqlServer"/>, shared by all tests: each writes under its own persistence
/// id, and its rows are deleted afterwards so the database does not grow run after run.
/// </summary>
internal sealed class PostgreSqlTarget : StoreTarget
{
    private readonly HashSet<string> _persistenceIds = [];

    public PostgreSqlTarget()
    {
        if (PostgreSqlServer.Unreachable is { } reason) throw new InvalidOperationException(PostgreSqlServer.FailureMessage(reason));
    }

    public override Config PersistenceSection => ConfigurationFactory.ParseString(
        $"connactors.persistence {{ provider = postgresql, connection-string = \"{PostgreSqlServer.ConnectionString}\" }}");

    public override void Used(string persistenceId) => _persistenceIds.Add(persistenceId);

    public override void Dispose()
    {
        if (_persistenceIds.Count == 0) return;
        using var connection = new NpgsqlConnection(PostgreSqlServer.ConnectionString);
        connection.Open();
        foreach (var table in new[] { "tags", "journal", "snapshot" })
        {
            using var command = new NpgsqlCommand($"DELETE FROM {table} WHERE persistence_id = ANY(@ids)", connection);
            command.Parameters.AddWithValue("ids", _persistenceIds.ToArray());
            command.ExecuteNonQuery();
        }
    }
}

/// <summary>Runs the theory on the SQLite target.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SqliteStoreAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreTarget.Sqlite]];
}

/// <summary>
/// Runs the theory on the PostgreSQL target. An unreachable server fails the test, except outside CI when the
/// developer sets CONNACTORS_SKIP_POSTGRES=1.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PostgreSqlStoreAttribute : DataAttribute
{
    public PostgreSqlStoreAttribute()
    {
        if (!PostgreSqlServer.UnderCi && PostgreSqlServer.SkipRequested && PostgreSqlServer.Unreachable is { } reason)
            Skip = $"PostgreSQL unreachable ({reason}); skipped because {PostgreSqlServer.SkipVariable}=1";
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreTarget.PostgreSql]];
}
