using Akka.Configuration;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Politeness;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Trimming;

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

    /// <summary>Reads and validates the settings from a full configuration (reference defaults are added behind it).</summary>
    public static ConnActorsSettings FromConfig(Config config)
    {
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
        limits = ReadLimitOverrides(reader, limits);
        var regulation = RegulationSettings.Read(reader);

        var policy = new PolicySettings
        {
            Limits = limits,
            Trim = new TrimSettings
            {
                GracePeriodMs = (long)regulation.GracePeriod.TotalMilliseconds,
                MemoryLimitBytes = regulation.MemoryLimitBytes,
                EmergencyTargetFraction = regulation.EmergencyTarget,
                FailedDialShare = regulation.FailedDialShare,
                BurstLingerMs = (long)regulation.BurstLinger.TotalMilliseconds,
            },
        };
        var politeness = new PolitenessSettings
        {
            FriendReconnect = new BackoffSettings
            {
                InitialMs = reader.Milliseconds("friend-reconnect.initial"),
                Factor = reader.Double("friend-reconnect.factor"),
                Jitter = reader.Double("friend-reconnect.jitter"),
                CapMs = reader.Milliseconds("friend-reconnect.cap"),
            },
            DialQueue = DialQueueSettings.Default.WithCapsOf(limits) with { MaxLength = reader.Int("dial.max-queue") },
            DialBackoff = DialBackoffSettings.Default with { RemoteByeCeilingMs = reader.Milliseconds("bye.honour-ceiling") },
        };
        var quotas = QuotaDefinition.ReadAll(reader, limits);
        var settings = new ConnActorsSettings
        {
            Profile = profile,
            DataDirectory = reader.String("data-dir"),
            Policy = WithPrefix(() => policy.Validate()),
            Politeness = WithPrefix(() => politeness.Validate()),
            Libp2p = Libp2pSettings.Read(reader),
            Quotas = quotas,
            Friends = reader.Multiaddrs("friends", requirePeerId: true),
            Regulation = regulation,
            Bye = ByeSettings.Read(reader),
            Dht = ConnActors.Actors.Dht.DhtSettings.Read(reader, profile, limits, quotas),
        };
        return settings;
    }

    private static ConnectionLimits ReadLimitOverrides(HoconReader reader, ConnectionLimits limits)
    {
        // A hard cap of its own re-derives everything that follows from it, unless also set below.
        if (reader.IsSet("limits.hard-cap"))
            limits = WithPrefix(() => ConnectionLimits.DerivedFrom(reader.Int("limits.hard-cap"), limits.Subnets));
        limits = limits with
        {
            HighWater = reader.IntOrProfile("limits.high-water", limits.HighWater),
            LowWater = reader.IntOrProfile("limits.low-water", limits.LowWater),
            OutboundReserve = reader.IntOrProfile("limits.outbound-reserve", limits.OutboundReserve),
            FriendReserve = reader.IntOrProfile("limits.friend-reserve", limits.FriendReserve),
            MaxPerPeer = reader.IntOrProfile("limits.max-per-peer", limits.MaxPerPeer),
            MaxPendingHandshakes = reader.IntOrProfile("limits.max-pending-handshakes", limits.MaxPendingHandshakes),
            DialConcurrency = reader.IntOrProfile("limits.dial-concurrency", limits.DialConcurrency),
            DialRatePerSecond = reader.DoubleOrProfile("limits.dial-rate", limits.DialRatePerSecond),
        };
        return WithPrefix(() => limits.Validate());
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
