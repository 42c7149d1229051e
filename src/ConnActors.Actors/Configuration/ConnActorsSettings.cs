using Akka.Configuration;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Politeness;

namespace ConnActors.Actors.Configuration;

/// <summary>
/// Every ConnActors setting, read from the <c>connactors</c> section of HOCON (defaults in the embedded
/// reference.conf) and validated at start: an invalid value is a <see cref="PolicyConfigurationException"/>
/// whose key is the full HOCON path, e.g. <c>connactors.limits.high-water</c>.
/// </summary>
public sealed record ConnActorsSettings
{
    private const string Root = "connactors";

    /// <summary>The resource profile the limits come from (null when autoscaled).</summary>
    public ResourceProfile? Profile { get; init; }

    /// <summary>Directory of the identity key and the SQLite peer store.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The policy engine's settings.</summary>
    public required PolicySettings Policy { get; init; }

    /// <summary>Backoff, reconnect and dial-queue settings.</summary>
    public required PolitenessSettings Politeness { get; init; }

    /// <summary>The wire.</summary>
    public required Libp2pSettings Libp2p { get; init; }

    /// <summary>Subsystems to enroll, in configuration order.</summary>
    public required IReadOnlyList<QuotaDefinition> Quotas { get; init; }

    /// <summary>Priority peers from configuration.</summary>
    public required IReadOnlyList<Multiaddr> Friends { get; init; }

    /// <summary>Regulation rounds.</summary>
    public required RegulationSettings Regulation { get; init; }

    /// <summary>The polite bye.</summary>
    public required ByeSettings Bye { get; init; }

    /// <summary>The Kad-DHT service.</summary>
    public required Dht.DhtSettings Dht { get; init; }

    /// <summary>The node's place in a fleet (off for a standalone node).</summary>
    public ConnActors.Actors.Cluster.ClusterSettings Cluster { get; init; } = new();

    /// <summary>
    /// The entries this node may hold in its router's connection table (<c>connactors.limits.router-entries</c>), when it
    /// sits alone behind a router (NAT); 0: not counted.
    /// </summary>
    public int RouterEntries { get; init; }

    /// <summary>
    /// How long the router holds an ended connection's entry (<c>connactors.limits.router-entry-linger</c>, an assumption,
    /// TIME_WAIT-like) and a reset attempt's (<c>router-reset-linger</c>, nf_conntrack's CLOSE timeout), wherever router
    /// entries are counted: <see cref="RouterEntries"/> or a site member's share.
    /// </summary>
    public RouterLingers RouterLingers { get; init; } = new();

    /// <summary>How long an operator command waits for the peer store to acknowledge its change.</summary>
    public TimeSpan PersistTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long start-up waits for the manager to attach the host and load the peer store.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Reads and validates the settings from a full configuration (reference defaults are added behind it).</summary>
    public static ConnActorsSettings FromConfig(Config config)
    {
        RemovedKeys.Refuse(config);
        var c = ReferenceConfig.WithDefaults(config).GetConfig(Root);
        var reader = new HoconReader(c, Root);
        string profileName = reader.String("profile");
        ResourceProfile? profile = null;
        ConnectionLimits limits;
        if (profileName.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            limits = AutoScale.LimitsFor(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, FileDescriptorLimit.Read());
        }
        else
        {
            profile = ResourceProfiles.Parse(profileName, $"{Root}.profile");
            limits = ResourceProfiles.For(profile.Value);
        }
        limits = WithPrefix(() => PolicySettingsReader.ReadLimitOverrides(reader, limits).Validate());
        var quotas = QuotaDefinition.ReadAll(reader, limits);
        var cluster = ConnActors.Actors.Cluster.ClusterSettings.Read(reader);
        var settings = new ConnActorsSettings
        {
            Profile = profile,
            DataDirectory = reader.String("data-dir"),
            StartupTimeout = reader.PositiveDuration("startup-timeout"),
            PersistTimeout = reader.PositiveDuration("persistence.write-timeout"),
            Policy = WithPrefix(() => PolicySettingsReader.Read(reader, limits).Validate()),
            Politeness = WithPrefix(() => PolicySettingsReader.ReadPoliteness(reader, limits).Validate()),
            Libp2p = Libp2pSettings.Read(reader),
            Quotas = quotas,
            Friends = reader.Multiaddrs("friends", requirePeerId: true),
            Regulation = RegulationSettings.Read(reader),
            Bye = ByeSettings.Read(reader),
            Dht = ConnActors.Actors.Dht.DhtSettings.Read(reader, profile, limits, quotas),
            Cluster = cluster,
            RouterEntries = RouterEntriesSetting.Read(reader, cluster),
            RouterLingers = RouterEntriesSetting.ReadLingers(reader),
        };
        return settings;
    }

    // Policy errors name keys relative to the connactors section; operators see the full path.
    private static T WithPrefix<T>(Func<T> validate)
    {
        try
        {
            return validate();
        }
        catch (PolicyConfigurationException e) when (!e.Key.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            throw new PolicyConfigurationException($"{Root}.{e.Key}", e.Reason);
        }
    }
}
