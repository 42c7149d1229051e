using Akka.Configuration;
using ConnActors.Policy;

namespace ConnActors.Actors.Store;

/// <summary>How the <see cref="PeerStoreActor"/> persists: its persistence id and how often it takes a snapshot.</summary>
public sealed record PeerStoreSettings(string PersistenceId, int SnapshotEvery)
{
    /// <summary>The persistence id of a node's peer store.</summary>
    public const string DefaultPersistenceId = "connactors-peer-store";

    /// <summary>The key of <see cref="SnapshotEvery"/> in HOCON.</summary>
    public const string SnapshotEveryKey = "connactors.persistence.snapshot-every";

    /// <summary>The node's peer store, snapshotting every 100 events.</summary>
    public static PeerStoreSettings Default { get; } = new(DefaultPersistenceId, 100);

    /// <summary>The settings in <c>connactors.persistence</c> of <paramref name="config"/> (defaults where absent).</summary>
    public static PeerStoreSettings FromConfig(Config config)
    {
        if (!config.HasPath(SnapshotEveryKey)) return Default;
        var text = config.GetString(SnapshotEveryKey);
        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var every) || every < 1)
            throw new PolicyConfigurationException(SnapshotEveryKey, $"must be a whole number of events >= 1, was '{text}'");
        return Default with { SnapshotEvery = every };
    }
}
