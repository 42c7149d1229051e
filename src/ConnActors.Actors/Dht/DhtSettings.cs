using ConnActors.Actors.Configuration;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Limits;

namespace ConnActors.Actors.Dht;

/// <summary>The Kad-DHT service, from <c>connactors.dht</c>; every error names the full key.</summary>
public sealed record DhtSettings
{
    /// <summary>Whether the node runs the DHT at all.</summary>
    public required bool Enabled { get; init; }

    /// <summary>The quota subsystem that owns /ipfs/kad/1.0.0 (null when the DHT is off).</summary>
    public required string? Subsystem { get; init; }

    /// <summary>Server mode: answer queries and announce the protocol. Client mode: query only.</summary>
    public required bool ServerMode { get; init; }

    /// <summary>Peers to start from (multiaddrs ending in /p2p/id).</summary>
    public required IReadOnlyList<Multiaddr> Bootstrap { get; init; }

    /// <summary>Bucket size and replication (k).</summary>
    public required int K { get; init; }

    /// <summary>Queries in flight per lookup.</summary>
    public required int Alpha { get; init; }

    /// <summary>Once this many of a lookup's closest peers answered, the rest of the k closest are asked at once; 0: alpha at a time.</summary>
    public int FollowUpAfter { get; init; }

    /// <summary>
    /// A peer this node's own-trim hold kept a lookup from asking is asked once more, past the hold, when the lookup would end
    /// with fewer than this many answers closer to the key than it; 0: never.
    /// </summary>
    public int PassHoldAmongClosest { get; init; }

    /// <summary>A lookup refused a dht slot at the subsystem's maximum may take one from a running lookup that holds more (<see cref="ConnActors.Policy.Dht.LookupSlotSharing"/>).</summary>
    public bool ShareLookupSlots { get; init; } = true;

    /// <summary>Replacement cache per bucket.</summary>
    public required int ReplacementCache { get; init; }

    /// <summary>Most queries one lookup may send.</summary>
    public required int MaxQueriesPerLookup { get; init; }

    /// <summary>One query: connection (dial if needed), request, response.</summary>
    public required TimeSpan RequestTimeout { get; init; }

    /// <summary>Whether a query past <see cref="ConnActors.Policy.Dht.SlowQueryRule"/>'s time frees its alpha place and stops holding its lookup's end.</summary>
    public bool SlowQueries { get; init; } = true;

    /// <summary>The percentile of recent answered query times that <see cref="ConnActors.Policy.Dht.SlowQueryRule"/> scales by.</summary>
    public int SlowQueryPercentile { get; init; } = ConnActors.Policy.Dht.SlowQueryRule.DefaultPercentile;

    /// <summary>A whole lookup.</summary>
    public required TimeSpan LookupTimeout { get; init; }

    /// <summary>Lookups running at once; more wait.</summary>
    public required int MaxConcurrentLookups { get; init; }

    /// <summary>How often the routing table is refreshed (a self lookup and one per non-empty bucket).</summary>
    public required TimeSpan RefreshInterval { get; init; }

    /// <summary>Routing-table peers closest to us that keep a dht slot while connected.</summary>
    public required int RoutingSlots { get; init; }

    /// <summary>Wire bounds on what peers send us.</summary>
    public required KadLimits Limits { get; init; }

    /// <summary>Provider record validity and flood caps.</summary>
    public required ProviderStoreLimits Providers { get; init; }

    /// <summary>How often expired provider records and values are dropped.</summary>
    public required TimeSpan CleanupInterval { get; init; }

    /// <summary>How often the keys this node provides are announced again.</summary>
    public required TimeSpan ReprovideInterval { get; init; }

    /// <summary>Validity of stored /pk/ records.</summary>
    public required TimeSpan RecordValidity { get; init; }

    /// <summary>Most stored /pk/ records.</summary>
    public required int MaxRecords { get; init; }

    /// <summary>Penalty a peer earns for each piece of bad input.</summary>
    public required double BadInputPenalty { get; init; }

    internal static DhtSettings Read(HoconReader connactors, ResourceProfile? profile, ConnectionLimits limits, IReadOnlyList<QuotaDefinition> quotas)
    {
        var r = connactors.Section("dht");
        string mode = r.String("mode");
        bool server = mode.ToLowerInvariant() switch
        {
            "server" => true,
            "client" => false,
            "profile" => DhtModeRule.ServesByDefault(profile, limits),
            _ => throw new PolicyConfigurationException(r.Key("mode"), $"'{mode}' is not server, client or profile"),
        };
        bool enabled = r.Bool("enabled");
        string? subsystem = quotas.FirstOrDefault(q => q.Protocols.Contains(KadProtocol.Id))?.Name;
        if (enabled && subsystem is null)
            throw new PolicyConfigurationException(connactors.Key(quotas.Any(q => q.Name == "dht") ? "quotas.dht.protocols" : "quotas"),
                $"no subsystem lists {KadProtocol.Id} in its protocols; the DHT needs one (or set {r.Key("enabled")} = off)");
        int k = AtLeast(r, "k", 1, 256);
        int alpha = AtLeast(r, "alpha", 1, 64);
        var settings = new DhtSettings
        {
            Enabled = enabled,
            Subsystem = subsystem,
            ServerMode = server,
            Bootstrap = r.Multiaddrs("bootstrap", requirePeerId: true),
            K = k,
            Alpha = alpha,
            FollowUpAfter = AtLeast(r, "follow-up-after", 0, k),
            PassHoldAmongClosest = AtLeast(r, "pass-hold-among-closest", 0, k),
            ShareLookupSlots = r.Bool("share-lookup-slots"),
            ReplacementCache = AtLeast(r, "replacement-cache", 0, 1024),
            MaxQueriesPerLookup = AtLeast(r, "max-queries-per-lookup", k, 10_000),
            RequestTimeout = Positive(r, "request-timeout"),
            SlowQueries = r.Bool("slow-queries"),
            SlowQueryPercentile = AtLeast(r, "slow-query-percentile", 1, 100),
            LookupTimeout = Positive(r, "lookup-timeout"),
            MaxConcurrentLookups = AtLeast(r, "max-concurrent-lookups", 1, 1024),
            RefreshInterval = Positive(r, "refresh-interval"),
            RoutingSlots = RoutingSlotsOf(r, limits, quotas),
            Limits = new KadLimits
            {
                MaxMessageSize = AtLeast(r, "max-message-size", 1024, 16 * 1024 * 1024, bytes: true),
                MaxPeersPerMessage = AtLeast(r, "max-peers-per-message", k, 10_000),
                MaxAddressesPerPeer = AtLeast(r, "max-addresses-per-peer", 1, 1024),
                MaxAddressBytesPerPeer = AtLeast(r, "max-address-bytes-per-peer", 64, 1024 * 1024, bytes: true),
                MaxKeyLength = AtLeast(r, "max-key-length", 34, 64 * 1024),
                InboundIdleTimeout = Positive(r, "inbound-idle-timeout"),
                MaxInboundStreamsPerConnection = AtLeast(r, "max-inbound-streams-per-connection", 1, 256),
            },
            Providers = new ProviderStoreLimits
            {
                Validity = Positive(r, "provider-validity"),
                MaxProvidersPerKey = AtLeast(r, "max-providers-per-key", 1, 100_000),
                MaxKeysPerProvider = AtLeast(r, "max-keys-per-provider", 1, 10_000_000),
                MaxRecords = AtLeast(r, "max-provider-records", 1, 100_000_000),
                MaxAddressBytes = AtLeast(r, "max-provider-address-bytes", 1024, int.MaxValue, bytes: true),
            },
            CleanupInterval = Positive(r, "cleanup-interval"),
            ReprovideInterval = Positive(r, "reprovide-interval"),
            RecordValidity = Positive(r, "record-validity"),
            MaxRecords = AtLeast(r, "max-records", 1, 10_000_000),
            BadInputPenalty = r.Double("bad-input-penalty") is var p && p > 0 ? p
                : throw new PolicyConfigurationException(r.Key("bad-input-penalty"), $"must be a positive number, was {p}"),
        };
        return settings;
    }

    // "reserved" (the default) holds as many routing-table peers as the dht quota reserves.
    private static int RoutingSlotsOf(HoconReader r, ConnectionLimits limits, IReadOnlyList<QuotaDefinition> quotas)
    {
        string text = r.String("routing-slots");
        if (!text.Equals("reserved", StringComparison.OrdinalIgnoreCase)) return AtLeast(r, "routing-slots", 0, 100_000);
        var dht = quotas.FirstOrDefault(q => q.Protocols.Contains(KadProtocol.Id));
        return dht?.Reserved.Resolve(limits.HardCap - limits.FriendReserve) ?? 0;
    }

    private static int AtLeast(HoconReader r, string path, int minimum, int maximum, bool bytes = false)
    {
        int value;
        if (bytes)
        {
            long? size = r.Bytes(path);
            value = size is { } s && s <= int.MaxValue ? (int)s : int.MaxValue;
        }
        else value = r.Int(path);
        if (value < minimum || value > maximum)
            throw new PolicyConfigurationException(r.Key(path), $"must be in [{minimum}, {maximum}], was {value}");
        return value;
    }

    private static TimeSpan Positive(HoconReader r, string path)
    {
        var value = r.Duration(path);
        return value > TimeSpan.Zero ? value : throw new PolicyConfigurationException(r.Key(path), $"must be positive, was {value}");
    }
}
