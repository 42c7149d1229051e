namespace ConnActors.Sim.Scenarios;

/// <summary>Everything a scenario sets: network make-up, churn and workloads. Times in milliseconds.</summary>
internal sealed record ScenarioSettings
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public int Nodes { get; init; } = 10_000;
    public long DurationMs { get; init; } = 3_600_000;
    public long SampleEveryMs { get; init; } = 60_000;

    // Network make-up.
    /// <summary>Share of nodes that cannot be dialed (SIGCOMM 2022: 45.5% of IPs never reachable; Henningsen 2020: >= 52%).</summary>
    public double UnreachableShare { get; init; } = 0.48;
    /// <summary>Among unreachable nodes, share of browsers/IoT (tiny); the rest are desktops.</summary>
    public double TinyShareOfUnreachable { get; init; } = 0.2;
    /// <summary>Among reachable nodes: shares of desktop (port-forwarded, behind a home router), server, xl.</summary>
    public double DesktopShareOfReachable { get; init; } = 0.45;
    public double XlShareOfReachable { get; init; } = 0.03;
    /// <summary>Router table sizes and their shares (anchors: 1,024 old, ~7,000 Fritzbox, 16,384 OpenWrt, 30,720).</summary>
    public (int Entries, double Share)[] RouterSizes { get; init; } = [(1_024, 0.25), (4_096, 0.25), (7_168, 0.2), (16_384, 0.25), (30_720, 0.05)];
    /// <summary>Share of home routers shared by 2 to 5 nodes (a household, an office).</summary>
    public double SharedRouterShare { get; init; } = 0.3;
    /// <summary>Nodes behind a shared router; 0 for 2 to 5 (drawn per router).</summary>
    public int SharedRouterSeats { get; init; }
    /// <summary>
    /// Share of a home router's table its v2 nodes may hold (<see cref="Sites.SiteBudgets"/>): a node alone behind it as
    /// its <c>limits.router-entries</c>, the nodes that share it as their site budget (0: nodes count open connections
    /// only). The rest is margin for inbound attempts the router takes before a node can refuse them.
    /// </summary>
    public double SiteBudgetShare { get; init; } = 0.9;
    /// <summary>Closed and failed connections keep a conntrack entry this long (Linux TIME_WAIT / SYN_SENT: 120 s).</summary>
    public long RouterLingerMs { get; init; } = 120_000;
    /// <summary>An attempt the remote refused with a reset keeps its entry this long (nf_conntrack's CLOSE state: 10 s).</summary>
    public long RouterResetLingerMs { get; init; } = 10_000;

    // Churn.
    /// <summary>Multiplies every session length (1 = measured IPFS churn).</summary>
    public double ChurnScale { get; init; } = 1.0;
    /// <summary>At this time this share of online nodes leaves at once (a churn storm); 0 for none.</summary>
    public double MassDepartureShare { get; init; }
    public long MassDepartureAtMs { get; init; } = 1_800_000;

    // DHT.
    public double LookupsPerNodeHour { get; init; } = 6;
    public int Alpha { get; init; } = 3;
    public int BucketSize { get; init; } = 20;
    /// <summary>Lookups stop once this many of the closest peers found have answered (go-libp2p's resiliency, 3).</summary>
    public int Resiliency { get; init; } = 3;
    /// <summary>Dials to an offline peer or through a full router time out after this long.</summary>
    public long DialTimeoutMs { get; init; } = 5_000;

    // Pubsub.
    public int Topics { get; init; }
    public double SubscribeShare { get; init; }
    /// <summary>Distinct topics each subscriber joins (1 to <see cref="Model.MeshTopics.MaxPerNode"/>), one mesh per topic.</summary>
    public int TopicsPerSubscriber { get; init; } = 1;
    /// <summary>Gossipsub's D, D_low and D_high (go-libp2p-pubsub's defaults 6, 4, 12; Ethereum's consensus layer 8, 6, 12).</summary>
    public (int D, int Low, int High) MeshDegree { get; init; } = (6, 4, 12);
    public double MessagesPerTopicMinute { get; init; } = 6;

    // Discovery dial floods: a node coming online dials this many random reachable peers.
    public int DiscoveryDials { get; init; }

    // Flash crowd: at FlashAtMs this share of online nodes dials one of the targets within FlashSpreadMs;
    // there are FlashTargetsPer10k targets per 10,000 nodes (at least one).
    public double FlashShare { get; init; }
    public double FlashTargetsPer10k { get; init; } = 2;
    public long FlashAtMs { get; init; } = 1_200_000;
    public long FlashSpreadMs { get; init; } = 60_000;

    // Fleet: gateways and cluster nodes that are all friends; clients visit gateways.
    public int FleetSize { get; init; }
    public double GatewayVisitsPerNodeHour { get; init; }
    /// <summary>Each fleet member restarts once per this period (rolling deploys), offline for FleetRestartDownMs.</summary>
    public long FleetRestartEveryMs { get; init; } = 1_200_000;
    public long FleetRestartDownMs { get; init; } = 30_000;
    /// <summary>
    /// Clients reach the gateways through one load balancer's address: a member's bye does not hold a client's
    /// visit back, since the client cannot choose which member the balancer gives it.
    /// </summary>
    public bool LoadBalanced { get; init; }
    /// <summary>
    /// The fleet's members split this many connections per node of the network as their hard caps (0: each
    /// member keeps its server profile's): so a network of any size loads the same fleet alike.
    /// </summary>
    public double FleetHardCapPerNode { get; init; }

    /// <summary>Each member's hard cap (0: its profile's).</summary>
    public int FleetMemberHardCap => FleetHardCapPerNode <= 0 || FleetSize <= 0 ? 0 : Math.Max(8, (int)(Nodes * FleetHardCapPerNode / FleetSize));
}
