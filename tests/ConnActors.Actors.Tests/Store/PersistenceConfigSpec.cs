using Akka.Configuration;
using ConnActors.Actors.Configuration;
using ConnActors.Actors.Store;
using ConnActors.Policy;

namespace ConnActors.Actors.Tests.Store;

public sealed class PersistenceConfigSpec : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"connactors-config-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    private static Config WithReference(string hocon) => ReferenceConfig.WithDefaults(ConfigurationFactory.ParseString(hocon));

    [Fact]
    public void By_default_the_store_is_a_SQLite_file_under_the_node_data_directory()
    {
        var config = PersistenceConfig.Apply(WithReference($"connactors.data-dir = \"{_dataDir}\""));

        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.sql", config.GetString("akka.persistence.snapshot-store.plugin"));
        foreach (var plugin in new[] { "akka.persistence.journal.sql", "akka.persistence.snapshot-store.sql" })
        {
            Assert.Equal("SQLite.MS", config.GetString($"{plugin}.provider-name"));
            Assert.Equal($"Data Source={Path.Combine(_dataDir, "peerstore.db")}", config.GetString($"{plugin}.connection-string"));
            Assert.True(config.GetBoolean($"{plugin}.auto-initialize"));
            Assert.Equal("Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql", config.GetString("akka.persistence.journal.sql.class"));
        }
        Assert.True(Directory.Exists(_dataDir));
    }

    [Fact]
    public void The_persistence_data_directory_takes_precedence_over_the_node_one()
    {
        var config = PersistenceConfig.Build(WithReference($"connactors {{ data-dir = elsewhere, persistence.data-dir = \"{_dataDir}\" }}"));

        Assert.Equal($"Data Source={Path.Combine(_dataDir, "peerstore.db")}", config.GetString("akka.persistence.journal.sql.connection-string"));
    }

    [Fact]
    public void PostgreSQL_takes_its_connection_string_from_HOCON()
    {
        var config = PersistenceConfig.Build(WithReference(
            "connactors.persistence { provider = PostgreSQL, connection-string = \"Host=db.internal;Port=5433;Username=u;Password=p;Database=d\" }"));

        foreach (var plugin in new[] { "akka.persistence.journal.sql", "akka.persistence.snapshot-store.sql", "akka.persistence.query.journal.sql" })
        {
            Assert.Equal("PostgreSQL.15", config.GetString($"{plugin}.provider-name"));
            Assert.Equal("Host=db.internal;Port=5433;Username=u;Password=p;Database=d", config.GetString($"{plugin}.connection-string"));
        }
    }

    [Theory]
    [InlineData("connactors.persistence.provider = mysql", "connactors.persistence.provider", "'mysql' is not one of sqlite, postgresql")]
    [InlineData("connactors.persistence.provider = \"\"", "connactors.persistence.provider", "must be set to sqlite or postgresql")]
    [InlineData("connactors.persistence.provider = postgresql", "connactors.persistence.connection-string", "must be set when the provider is postgresql")]
    [InlineData("connactors.persistence { provider = postgresql, connection-string = \"Nonsense=1\" }", "connactors.persistence.connection-string", "is not a PostgreSQL connection string")]
    [InlineData("connactors.persistence { provider = postgresql, connection-string = \"Port=5432\" }", "connactors.persistence.connection-string", "Host is missing")]
    [InlineData("connactors.persistence.connection-string = \"Bogus Key=1\"", "connactors.persistence.connection-string", "is not a SQLite connection string")]
    [InlineData("connactors { data-dir = \"\", persistence.data-dir = \"\" }", "connactors.persistence.data-dir", "no data directory")]
    public void An_invalid_value_fails_naming_its_key(string hocon, string key, string reason)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => PersistenceConfig.Build(WithReference(hocon)));

        Assert.Equal(key, error.Key);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_data_directory_that_is_a_file_fails_naming_its_key()
    {
        Directory.CreateDirectory(_dataDir);
        var file = Path.Combine(_dataDir, "not-a-directory");
        File.WriteAllText(file, "x");

        var error = Assert.Throws<PolicyConfigurationException>(() =>
            PersistenceConfig.Build(WithReference($"connactors.persistence.data-dir = \"{file}\"")));

        Assert.Equal("connactors.persistence.data-dir", error.Key);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("often")]
    public void An_invalid_snapshot_interval_fails_naming_its_key(string value)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() =>
            PeerStoreSettings.FromConfig(WithReference($"connactors.persistence.snapshot-every = \"{value}\"")));

        Assert.Equal("connactors.persistence.snapshot-every", error.Key);
    }

    [Fact]
    public void The_snapshot_interval_is_read_from_HOCON()
    {
        Assert.Equal(100, PeerStoreSettings.FromConfig(ReferenceConfig.Default).SnapshotEvery);
        Assert.Equal(7, PeerStoreSettings.FromConfig(WithReference("connactors.persistence.snapshot-every = 7")).SnapshotEvery);
    }
}
