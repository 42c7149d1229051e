using Akka.Configuration;
using Akka.Persistence.Sql;
using ConnActors.Policy;
using LinqToDB;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ConnActors.Actors.Configuration;

/// <summary>
/// Turns <c>connactors.persistence { provider, connection-string, data-dir }</c> into the HOCON of the
/// Akka.Persistence.Sql journal and snapshot store: SQLite (a <c>peerstore.db</c> file under the data directory)
/// by default, PostgreSQL by configuration.
/// </summary>
public static class PersistenceConfig
{
    public const string ProviderKey = "connactors.persistence.provider";
    public const string ConnectionStringKey = "connactors.persistence.connection-string";
    public const string DataDirKey = "connactors.persistence.data-dir";
    public const string NodeDataDirKey = "connactors.data-dir";

    /// <summary>The SQLite file of the peer store, under the data directory.</summary>
    public const string SqliteFileName = "peerstore.db";

    /// <summary>The linq2db provider of Microsoft.Data.Sqlite.</summary>
    public const string SqliteProviderName = ProviderName.SQLiteMS;

    /// <summary>The linq2db provider of PostgreSQL (15 and later).</summary>
    public const string PostgreSqlProviderName = ProviderName.PostgreSQL15;

    /// <summary>
    /// <paramref name="config"/> with the journal and snapshot store it describes in front and the plugin's own
    /// defaults behind: the configuration to start an ActorSystem with. Creates the SQLite data directory.
    /// </summary>
    public static Config Apply(Config config) =>
        Build(config).WithFallback(config).WithFallback(SqlPersistence.DefaultConfiguration);

    /// <summary>
    /// The <c>akka.persistence</c> HOCON (connection string and provider of the journal, its query side and the
    /// snapshot store) for the <c>connactors.persistence</c> section of <paramref name="config"/>. Throws
    /// <see cref="PolicyConfigurationException"/> naming the key of an invalid value.
    /// </summary>
    public static Config Build(Config config)
    {
        var provider = Read(config, ProviderKey);
        var (connectionString, providerName) = provider.ToLowerInvariant() switch
        {
            "sqlite" => (SqliteConnectionString(config), SqliteProviderName),
            "postgresql" => (PostgreSqlConnectionString(config), PostgreSqlProviderName),
            "" => throw new PolicyConfigurationException(ProviderKey, "must be set to sqlite or postgresql"),
            _ => throw new PolicyConfigurationException(ProviderKey, $"'{provider}' is not one of sqlite, postgresql"),
        };

        var connection = $"connection-string = {Quote(connectionString)}\nprovider-name = {Quote(providerName)}";
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal.plugin = "akka.persistence.journal.sql"
              snapshot-store.plugin = "akka.persistence.snapshot-store.sql"
              journal.sql { {{connection}} }
              query.journal.sql { {{connection}} }
              snapshot-store.sql { {{connection}} }
            }
            """);
    }

    private static string SqliteConnectionString(Config config)
    {
        var configured = Read(config, ConnectionStringKey);
        if (configured.Length > 0)
        {
            try
            {
                return new SqliteConnectionStringBuilder(configured).ConnectionString;
            }
            catch (ArgumentException e)
            {
                throw new PolicyConfigurationException(ConnectionStringKey, $"is not a SQLite connection string: {e.Message}");
            }
        }

        var (dataDirKey, dataDir) = Read(config, DataDirKey) is { Length: > 0 } own ? (DataDirKey, own) : (NodeDataDirKey, Read(config, NodeDataDirKey));
        if (dataDir.Length == 0)
            throw new PolicyConfigurationException(DataDirKey, $"no data directory: set {DataDirKey} or {NodeDataDirKey}");
        string directory;
        try
        {
            directory = Path.GetFullPath(dataDir);
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new PolicyConfigurationException(dataDirKey, $"'{dataDir}' cannot be used as a data directory: {e.Message}");
        }
        return new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, SqliteFileName) }.ConnectionString;
    }

    private static string PostgreSqlConnectionString(Config config)
    {
        var configured = Read(config, ConnectionStringKey);
        if (configured.Length == 0)
            throw new PolicyConfigurationException(ConnectionStringKey, "must be set when the provider is postgresql, e.g. \"Host=127.0.0.1;Port=5432;Username=connactors;Password=...;Database=connactors\"");
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(configured);
            if (string.IsNullOrEmpty(builder.Host)) throw new ArgumentException("Host is missing");
            return builder.ConnectionString;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            throw new PolicyConfigurationException(ConnectionStringKey, $"is not a PostgreSQL connection string: {e.Message}");
        }
    }

    private static string Read(Config config, string key)
    {
        try
        {
            return config.HasPath(key) ? config.GetString(key)?.Trim() ?? "" : "";
        }
        catch (Exception e) when (e is ConfigurationException or InvalidCastException or FormatException)
        {
            throw new PolicyConfigurationException(key, $"must be a string: {e.Message}");
        }
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
