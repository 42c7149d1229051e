using ConnActors.Actors.Configuration;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;

namespace ConnActors.Actors.Cluster;

/// <summary>The node's place in a fleet: <c>connactors.cluster</c> (docs/cluster.md).</summary>
public sealed record ClusterSettings
{
    /// <summary>The roles a member may have.</summary>
    public static readonly IReadOnlySet<string> KnownRoles = new HashSet<string>(StringComparer.Ordinal) { "gateway", "cluster" };

    /// <summary>The ActorSystem name every member uses (it is part of their addresses).</summary>
    public const string SystemName = "connactors";

    public bool Enabled { get; init; }

    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>A hostname other machines can reach is allowed without TLS (a network only the fleet reaches).</summary>
    public bool AllowPlaintext { get; init; }

    public int Port { get; init; }

    /// <summary>Seeds as host:port.</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    public IReadOnlyList<string> Roles { get; init; } = ["cluster"];

    /// <summary>The site (router) this member sits behind; "" means a site of its own.</summary>
    public string Site { get; init; } = "";

    /// <summary>The site's connection budget; 0: none.</summary>
    public int SiteBudget { get; init; }

    public int Floor { get; init; } = 16;

    public TimeSpan LoadInterval { get; init; } = TimeSpan.FromSeconds(1);

    public bool Handoff { get; init; }

    public bool Dedup { get; init; } = true;

    public IReadOnlyList<Multiaddr> FleetFriends { get; init; } = [];

    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(4);

    public TimeSpan HeartbeatPause { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a share of the site budget lasts without renewal (<c>share-lease</c>).</summary>
    public Policy.Fleet.ShareLeaseTimings ShareLease { get; init; } = Policy.Fleet.ShareLeaseTimings.Default;

    /// <summary>How often a member asks the site allocator to renew its share's lease.</summary>
    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>When a member stops asking a silent allocator (<c>share-lease.suspect-silence</c>, <c>.suspect-hold</c>).</summary>
    public Policy.Fleet.AllocatorSilenceTimings AllocatorSilence { get; init; } = Policy.Fleet.AllocatorSilenceTimings.Default;

    /// <summary>Mutual TLS with certificate pinning on the cluster port.</summary>
    public ClusterTlsSettings Tls { get; init; } = new();

    /// <summary>The Akka.Remote protocol of member addresses: <c>akka.ssl.tcp</c> with TLS, <c>akka.tcp</c> without.</summary>
    public string Protocol => Tls.Enabled ? "akka.ssl.tcp" : "akka.tcp";

    internal static ClusterSettings Read(HoconReader reader)
    {
        var roles = reader.Strings("cluster.roles");
        if (roles.Count == 0) throw new PolicyConfigurationException(reader.Key("cluster.roles"), "needs at least one role: gateway or cluster");
        foreach (var role in roles)
        {
            if (!KnownRoles.Contains(role))
                throw new PolicyConfigurationException(reader.Key("cluster.roles"), $"unknown role '{role}' (expected gateway or cluster)");
        }
        var seeds = reader.Strings("cluster.seed-nodes");
        foreach (var seed in seeds)
        {
            if (!TryHostPort(seed, out _, out _)) throw new PolicyConfigurationException(reader.Key("cluster.seed-nodes"), $"'{seed}' is not host:port");
        }
        int port = reader.Int("cluster.port");
        if (port is < 0 or > 65_535) throw new PolicyConfigurationException(reader.Key("cluster.port"), $"must be a TCP port (0 for any), was {port}");
        string site = reader.Raw("cluster.site");
        if (site.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || site.Length > 64)
            throw new PolicyConfigurationException(reader.Key("cluster.site"), $"'{site}' is not a site name (up to 64 characters, no spaces)");
        int budget = reader.Int("cluster.site-budget");
        if (budget < 0) throw new PolicyConfigurationException(reader.Key("cluster.site-budget"), $"must be >= 0 (0: no site budget), was {budget}");
        int floor = reader.Int("cluster.floor");
        if (floor < Policy.Fleet.SiteAllocation.MinimumCap)
            throw new PolicyConfigurationException(reader.Key("cluster.floor"), $"must be at least {Policy.Fleet.SiteAllocation.MinimumCap}, was {floor}");
        string hostname = reader.String("cluster.hostname");
        var lease = new Policy.Fleet.ShareLeaseTimings(Ms(reader, "cluster.share-lease.length"), Ms(reader, "cluster.share-lease.floor-length"),
            Ms(reader, "cluster.share-lease.margin"), Ms(reader, "cluster.share-lease.quorum-window"));
        var renew = reader.PositiveDuration("cluster.share-lease.renew-interval");
        if (Policy.Fleet.ShareLeaseTimings.Invalid(lease.LengthMs, lease.FloorLengthMs, lease.MarginMs, (long)renew.TotalMilliseconds, lease.QuorumWindowMs,
                setting => $"cluster.share-lease.{setting}") is var (setting, why))
            throw new PolicyConfigurationException(reader.Key($"cluster.share-lease.{setting}"), why);
        var silence = new Policy.Fleet.AllocatorSilenceTimings(Ms(reader, "cluster.share-lease.suspect-silence"), Ms(reader, "cluster.share-lease.suspect-hold"),
            (long)renew.TotalMilliseconds);
        if (Policy.Fleet.AllocatorSilenceTimings.Invalid(silence.SuspectAfterMs, silence.HoldMs, silence.RenewIntervalMs, lease.LengthMs,
                setting => $"cluster.share-lease.{setting}") is var (silent, whySilent))
            throw new PolicyConfigurationException(reader.Key($"cluster.share-lease.{silent}"), whySilent);
        bool enabled = reader.Bool("cluster.enabled");
        var tls = ClusterTlsSettings.Read(reader);
        bool allowPlaintext = reader.Bool("cluster.allow-plaintext");
        if (enabled && !tls.Enabled && !allowPlaintext && !IsLoopback(hostname))
            throw new PolicyConfigurationException(reader.Key("cluster.hostname"),
                $"'{hostname}' can be reached from other machines while cluster.tls is off: any process that reaches the cluster port could join " +
                "the fleet and send this node's actors commands (penalties, friends, a shutdown). Turn on cluster.tls, or set " +
                "cluster.allow-plaintext = on for a network that only the fleet can reach");
        return new ClusterSettings
        {
            Enabled = enabled,
            AllowPlaintext = allowPlaintext,
            Hostname = hostname,
            Port = port,
            SeedNodes = seeds,
            Roles = roles,
            Site = site,
            SiteBudget = budget,
            Floor = floor,
            LoadInterval = reader.PositiveDuration("cluster.load-interval"),
            Handoff = reader.Bool("cluster.handoff"),
            Dedup = reader.Bool("cluster.dedup"),
            FleetFriends = reader.Multiaddrs("cluster.fleet-friends", requirePeerId: true),
            StableAfter = reader.PositiveDuration("cluster.stable-after"),
            HeartbeatPause = reader.PositiveDuration("cluster.heartbeat-pause"),
            Tls = tls,
            ShareLease = lease,
            LeaseRenewInterval = renew,
            AllocatorSilence = silence,
        };
    }

    // The cluster binds and advertises this host: only a loopback one is out of other machines' reach.
    private static bool IsLoopback(string hostname) =>
        string.Equals(hostname, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(hostname, out var address) && System.Net.IPAddress.IsLoopback(address));

    private static long Ms(HoconReader reader, string path) => (long)reader.PositiveDuration(path).TotalMilliseconds;

    /// <summary>Parses host:port (a bracketed IPv6 host allowed).</summary>
    public static bool TryHostPort(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false;
        host = text[..colon].Trim('[', ']');
        return host.Length > 0 && !host.Any(char.IsWhiteSpace)
            && int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65_535;
    }
}
