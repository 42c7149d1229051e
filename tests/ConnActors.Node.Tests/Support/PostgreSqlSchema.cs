using Npgsql;
using ConnActors.Tests.Shared;

namespace ConnActors.Node.Tests.Support;

/// <summary>
/// A schema of its own for one test run (the node's peer store always uses the same persistence id, so runs
/// sharing the server would otherwise see each other's data); the node reaches it through the connection
/// string's search path, and it is dropped with everything in it on dispose.
/// </summary>
internal sealed class PostgreSqlSchema : IDisposable
{
    private PostgreSqlSchema(string name) => Name = name;

    public string Name { get; }

    /// <summary>The connection string the node uses: the server's, with the search path set to this schema.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(PostgreSqlServer.ConnectionString) { SearchPath = Name }.ConnectionString;

    /// <summary>The <c>connactors.persistence</c> HOCON for the node's override.conf.</summary>
    public string PersistenceOverride => $"connactors.persistence {{ provider = postgresql, connection-string = \"{ConnectionString}\" }}\n";

    public static PostgreSqlSchema Create()
    {
        if (PostgreSqlServer.Unreachable is { } reason) throw new InvalidOperationException(PostgreSqlServer.FailureMessage(reason));
        var schema = new PostgreSqlSchema($"node_test_{Guid.NewGuid():N}");
        Execute($"CREATE SCHEMA {schema.Name}");
        return schema;
    }

    public void Dispose() => Execute($"DROP SCHEMA IF EXISTS {Name} CASCADE");

    private static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(PostgreSqlServer.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
