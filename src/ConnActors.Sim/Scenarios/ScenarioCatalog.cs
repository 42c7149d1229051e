namespace ConnActors.Sim.Scenarios;

/// <summary>The named scenarios. Each stresses one pressure on connection management.</summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<ScenarioSettings> All { get; } =
    [
        new()
        {
            Name = "router-killing",
            Description = "Homes behind small routers (256 to 16,384 entries, one node per home); each node dials 50 discovered peers on joining and runs 60 lookups/h with alpha 10.",
            UnreachableShare = 0.6,
            DesktopShareOfReachable = 0.75,
            RouterSizes = [(256, 0.1), (512, 0.2), (1_024, 0.4), (4_096, 0.2), (16_384, 0.1)],
            SharedRouterShare = 0,
            DiscoveryDials = 50,
            LookupsPerNodeHour = 60,
            Alpha = 10,
        },
        new()
        {
            Name = "dht-heavy",
            Description = "Every node provides and finds content (60 lookups/h with go-libp2p's alpha 10) while half the nodes keep gossipsub meshes in one of 20 topics (6 messages/min per topic): DHT bursts and long-lived meshes on the same nodes, near high water.",
            LookupsPerNodeHour = 60,
            Alpha = 10,
            Topics = 20,
            SubscribeShare = 0.5,
            MessagesPerTopicMinute = 6,
        },
        new()
        {
            Name = "pubsub-overlay",
            Description = "80% of nodes in 5 of 20 gossipsub topics each, one mesh per topic with Ethereum's degrees (D 8, D_low 6, D_high 12; 6 messages/min per topic), while the DHT runs 30 lookups/h per node with alpha 10: on small (48-connection) nodes the meshes alone pass low water.",
            Topics = 20,
            SubscribeShare = 0.8,
            TopicsPerSubscriber = 5,
            MeshDegree = (8, 6, 12),
            MessagesPerTopicMinute = 6,
            LookupsPerNodeHour = 30,
            Alpha = 10,
        },
        new()
        {
            Name = "flash-crowd",
            Description = "At 20 min, half the online nodes dial one of 2 home-hosted nodes per 10,000 nodes within a minute; the targets also serve the DHT and pubsub meshes.",
            FlashShare = 0.5,
            FlashTargetsPer10k = 2,
            Topics = 10,
            SubscribeShare = 0.3,
            LookupsPerNodeHour = 12,
        },
        new()
        {
            Name = "churn-storm",
            Description = "Ten times the measured churn, and 30% of online nodes leave at once at 30 min (back 5 min later); 10 discovery dials per join, 30% in pubsub, 30 lookups/h.",
            ChurnScale = 0.1,
            MassDepartureShare = 0.3,
            DiscoveryDials = 10,
            Topics = 10,
            SubscribeShare = 0.3,
            LookupsPerNodeHour = 30,
        },
        new()
        {
            Name = "fleet-backbone",
            Description = "20 gateways and cluster nodes, all friends, restart once per 20 min (30 s down) while every client visits a gateway 120 times per hour.",
            FleetSize = 20,
            GatewayVisitsPerNodeHour = 120,
            LookupsPerNodeHour = 6,
        },
        new()
        {
            Name = "scale",
            Description = "The scale benchmark: measured churn and DHT traffic (6 lookups/h, alpha 3), nothing else.",
            LookupsPerNodeHour = 6,
        },
    ];

    /// <summary>
    /// Router killing by a household (issue 10): nodes that share one router, each within its own caps
    /// (v2-no-router-entries), against the same nodes splitting a site budget (v2). Not among "all": run it with
    /// --policy none,basic,js-like,v2-no-router-entries,v2.
    /// </summary>
    public static ScenarioSettings SharedRouter { get; } = new()
    {
        Name = "shared-router",
        Description = "Households of 4 nodes behind one 512-entry router (every home router shared), each node within its own profile caps (4 desktops may hold 768 connections); 60 lookups/h with alpha 10, 50 discovery dials per join, 30% in 10 pubsub topics. Under v2 the 4 split 90% of the router's table as a site budget, counting open connections and lingering entries.",
        RouterSizes = [(512, 1.0)],
        SharedRouterShare = 1,
        SharedRouterSeats = 4,
        DiscoveryDials = 50,
        LookupsPerNodeHour = 60,
        Alpha = 10,
        Topics = 10,
        SubscribeShare = 0.3,
    };

    /// <summary>
    /// A gateway fleet behind one load balancer (issue 10): clients reach a random member on every visit, so a
    /// client ends up connected to several members; the members' caps together hold the clients online at once but
    /// not their duplicates, so the members run at high water and trim. Compares v2 with and without the fleet's handoff and
    /// deduplication (v2-fleet, v2-fleet-dedup, v2-fleet-handoff, v2-fleet-full). Not among "all".
    /// </summary>
    public static ScenarioSettings Fleet { get; } = new()
    {
        Name = "fleet",
        Description = "8 gateways behind one load balancer, all friends, restarting once per 20 min (30 s down); every client visits a random gateway 120 times per hour; the gateways' hard caps add up to 0.7 connections per node (their high water to 0.6: a little more than the clients online at once, far less than their duplicates), so they run at high water and trim; 6 lookups/h.",
        FleetSize = 8,
        FleetHardCapPerNode = 0.7,
        LoadBalanced = true,
        GatewayVisitsPerNodeHour = 120,
        LookupsPerNodeHour = 6,
    };

    /// <summary>
    /// Subsystem starvation (issue 13, the seed's "starve one subsystem with another (DHT vs pubsub)"): small nodes
    /// near high water carrying long-lived pubsub meshes while a heavy DHT load with go's alpha 10 runs on the same
    /// nodes, so the DHT's bursts and the meshes want the same slots. Compares v2 with v2-no-quotas. Not among "all":
    /// its DHT load makes it several times dearer than dht-heavy.
    /// </summary>
    public static ScenarioSettings SubsystemContention { get; } = new()
    {
        Name = "subsystem-contention",
        Description = "Small nodes (half the unreachable ones tiny, 90% of the reachable ones desktops): 90% of nodes in one of 4 gossipsub topics (12 messages/min per topic) while every node runs 450 lookups/h with go's alpha 10 (a node reproviding about 10,000 CIDs in Kubo's 22 h cycle), so the DHT's bursts and the meshes contend on nodes of 48 and 192 connections.",
        TinyShareOfUnreachable = 0.5,
        DesktopShareOfReachable = 0.9,
        XlShareOfReachable = 0.01,
        Topics = 4,
        SubscribeShare = 0.9,
        MessagesPerTopicMinute = 12,
        LookupsPerNodeHour = 450,
        Alpha = 10,
    };

    /// <summary>
    /// The node's DHT side by side (docs/benchmarks.md) in the model: about 200 DHT servers online (400 reachable nodes,
    /// half online, sessions 1,000 times the measured ones, so nobody leaves), k 20, alpha 3, lookups only; its hops and
    /// queries and connections per lookup are set beside the node's measured ones in docs/simulator.md (with --policy
    /// basic,basic-no-followup,js-like,v2: go's rule with and without its follow-up, js's paths, the node's).
    /// </summary>
    public static ScenarioSettings DhtSideBySide { get; } = new()
    {
        Name = "dht-side-by-side",
        Description = "About 200 online DHT servers (400 nodes, all reachable, half online, no departures), k 20, alpha 3, 6 lookups/h, 20 min: the node's DHT side by side in the model.",
        Nodes = 400,
        UnreachableShare = 0,
        ChurnScale = 1_000,
        LookupsPerNodeHour = 6,
        DurationMs = 1_200_000,
    };

    /// <summary>Validation: DHT hop counts at a network with about 15,000 online DHT servers (ProbeLab RFM17).</summary>
    public static ScenarioSettings HopValidation { get; } = new()
    {
        Name = "validate-hops",
        Description = "About 15,000 online DHT servers (58,000 nodes, 52% reachable, half online), DHT lookups only.",
        Nodes = 58_000,
        LookupsPerNodeHour = 2,
        DurationMs = 1_200_000,
    };

    /// <summary>Validation: simulated session lengths against the input distribution (no workload, 3 days).</summary>
    public static ScenarioSettings ChurnValidation { get; } = new()
    {
        Name = "validate-churn",
        Description = "5,000 nodes, churn only, three simulated days.",
        Nodes = 5_000,
        LookupsPerNodeHour = 0,
        DurationMs = 3 * 24 * 3_600_000L,
        SampleEveryMs = 3_600_000,
    };

    public static ScenarioSettings? Find(string name) =>
        Named.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every scenario <c>--scenario</c> accepts by name: <see cref="All"/> and the single-purpose ones.</summary>
    public static IReadOnlyList<ScenarioSettings> Named { get; } = [.. All, SharedRouter, Fleet, SubsystemContention, DhtSideBySide, HopValidation, ChurnValidation];
}
