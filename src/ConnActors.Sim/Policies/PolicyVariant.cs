using ConnActors.Policy.Engine;

namespace ConnActors.Sim.Policies;

/// <summary>Which connection-manager family a variant belongs to.</summary>
internal enum PolicyFamily
{
    None,
    Basic,
    JsLike,
    V2,
}

/// <summary>
/// A policy under comparison: a family plus, for v2, the design choices switched on. "Quotas" means the
/// simulated DHT and pubsub enroll and claim slots; "bye" means a trimmed peer is told to back off and
/// honours it through its own DialBackoffTable.
/// </summary>
internal sealed record PolicyVariant(string Name, PolicyFamily Family, V2Features Features, bool UsesQuotas, bool SendsBye, string Summary)
{
    /// <summary>
    /// A v2 node behind a home router counts its router entries (<see cref="Sites.SiteBudgets"/>): alone, against its
    /// <c>limits.router-entries</c>; with others, against its share of their site budget. Off: the ablation
    /// <see cref="V2NoRouterEntries"/>, v2 as before 30 Nov 2026 (only its open connections count).
    /// </summary>
    public bool CountsRouterEntries => Family == PolicyFamily.V2 && !IgnoresRouterEntries;

    /// <summary>See <see cref="CountsRouterEntries"/>.</summary>
    public bool IgnoresRouterEntries { get; init; }

    /// <summary>A v2 node does not dial a non-friend peer it trimmed itself for <c>bye.own-trim-backoff</c> (<see cref="ConnActors.Policy.Politeness.OwnTrimHold"/>).</summary>
    public bool OwnTrimHold { get; init; } = true;

    /// <summary>
    /// A node refuses an inbound attempt with a reset (RST), so both routers drop its entry after
    /// <see cref="Scenarios.ScenarioSettings.RouterResetLingerMs"/>: ConnActors' host aborts a refused attempt
    /// (<c>TcpConnection.Abort</c>, linger 0), and go-libp2p sets linger 0 on every TCP connection. js-libp2p's is
    /// not verified here, so js-like's refusals keep the full linger.
    /// </summary>
    public bool ResetsRefusedAttempts => Family is PolicyFamily.V2 or PolicyFamily.Basic;

    /// <summary>
    /// A node ends every connection with a reset, so both routers drop its entry after
    /// <see cref="Scenarios.ScenarioSettings.RouterResetLingerMs"/> instead of <see cref="Scenarios.ScenarioSettings.RouterLingerMs"/>:
    /// go-libp2p sets linger 0 on every TCP connection it dials or accepts, so closing sends a reset; ConnActors' host resets
    /// once the peer has acknowledged everything sent (<c>host.reset-on-close</c>, <c>TcpConnection.CloseAcknowledgedThenReset</c>).
    /// js-like and none close with FIN (the router keeps the entry in TIME_WAIT).
    /// </summary>
    public bool ResetsClosedConnections => Family == PolicyFamily.Basic || (Family == PolicyFamily.V2 && !ClosesWithFin);

    /// <summary>v2 closing with FIN, as before 30 Nov 2026 (<see cref="V2FinClose"/>).</summary>
    public bool ClosesWithFin { get; init; }

    /// <summary>v2 whose closes leave the routers' entries for the full linger (an ablation; name it with --policy).</summary>
    public static PolicyVariant V2FinClose { get; } = new("v2-fin-close", PolicyFamily.V2, V2Features.All, true, true,
        "v2 closing connections with FIN: routers keep each ended connection's entry for the full linger (host.reset-on-close = off)") { ClosesWithFin = true };

    /// <summary>v2 counting only its open connections, not its router entries (an ablation; name it with --policy).</summary>
    public static PolicyVariant V2NoRouterEntries { get; } = new("v2-no-router-entries", PolicyFamily.V2, V2Features.All, true, true,
        "v2 counting only its open connections: no router-entries budget, households not split as a site") { IgnoresRouterEntries = true };

    /// <summary>v2 without the hold after its own trims (an ablation; name it with --policy).</summary>
    public static PolicyVariant V2NoOwnTrim { get; } = new("v2-no-owntrim", PolicyFamily.V2, V2Features.All, true, true,
        "v2 redialling the peers it trimmed itself at once (no own-trim backoff)") { OwnTrimHold = false };

    /// <summary>How this variant's nodes run their lookups when not the family's own (<see cref="Lookups"/>).</summary>
    public Dht.LookupRule? LookupOverride { get; init; }

    /// <summary>
    /// How this variant's nodes run their lookups: v2 by the node's rule (the spec's), basic and none as go-libp2p-kad-dht
    /// (resiliency 3 and the follow-up), js-like as js-libp2p's kad-dht 16.x (disjoint paths) (docs/simulator.md).
    /// </summary>
    public Dht.LookupRule Lookups => LookupOverride ?? Family switch
    {
        PolicyFamily.V2 => Dht.LookupRule.Spec,
        PolicyFamily.JsLike => Dht.LookupRule.JsPaths,
        _ => Dht.LookupRule.GoFollowUp,
    };

    /// <summary>basic whose lookups stop when the 3 closest answered, without go's follow-up: the model before 30 Nov 2026 (an ablation; name it with --policy).</summary>
    public static PolicyVariant BasicNoFollowUp { get; } = new("basic-no-followup", PolicyFamily.Basic, V2Features.All, false, false,
        "basic whose lookups end when the 3 closest answered, without go-libp2p's follow-up of the top k (the model before 30 Nov 2026)") { LookupOverride = Dht.LookupRule.GoNoFollowUp };

    /// <summary>
    /// A v2 node closes a finished lookup's peer that nothing claims this long after the lookup (<c>regulation.burst-linger</c>;
    /// the node's default, 10 s); 0: such peers stay until a round above high water needs room (the model before 30 Nov 2026).
    /// </summary>
    public long BurstLingerMs { get; init; } = 10_000;

    /// <summary>v2 without the burst linger (<see cref="BurstLingerMs"/> 0; an ablation; name it with --policy).</summary>
    public static PolicyVariant V2NoLinger { get; } = new("v2-no-linger", PolicyFamily.V2, V2Features.All, true, true,
        "v2 keeping a finished lookup's connections until a round needs room (no regulation.burst-linger)") { BurstLingerMs = 0 };

    /// <summary>
    /// A v2 node's lookup stops waiting for a query past <see cref="ConnActors.Policy.Dht.SlowQueryRule"/>'s time (the
    /// node's <c>dht.slow-queries = on</c>): a round whose queries all failed costs at most that, not the dial timeout.
    /// </summary>
    public bool SlowQueries { get; init; } = true;

    /// <summary>
    /// A v2 node's lookup asks alpha at a time until the 3 closest found answered, then the rest of the k closest at once
    /// (the node's <c>dht.follow-up-after = 3</c>), still ending only when the k closest answered.
    /// </summary>
    public bool SpecFollowUp { get; init; } = true;

    /// <summary>v2 whose lookups ask alpha at a time to the end (<c>dht.follow-up-after = 0</c>; an ablation; name it with --policy).</summary>
    public static PolicyVariant V2NoFollowUp { get; } = new("v2-no-follow-up", PolicyFamily.V2, V2Features.All, true, true,
        "v2 whose lookups ask alpha peers at a time until the k closest answered (dht.follow-up-after = 0)") { SpecFollowUp = false };

    /// <summary>
    /// A v2 node's lookup asks a peer its own-trim hold kept it from asking once more, past the hold, when the lookup would end
    /// with that peer closer than its this-many-th closest answer (the node's <c>dht.pass-hold-among-closest = 3</c>); 0: never.
    /// </summary>
    public int PassHoldAmongClosest { get; init; } = 3;

    /// <summary>v2 whose lookups never ask a held peer past the hold (<c>dht.pass-hold-among-closest = 0</c>; an ablation; name it with --policy).</summary>
    public static PolicyVariant V2StrictHold { get; } = new("v2-strict-hold", PolicyFamily.V2, V2Features.All, true, true,
        "v2 whose lookups never ask a peer under the own-trim hold, even one of the closest to the key (dht.pass-hold-among-closest = 0)") { PassHoldAmongClosest = 0 };

    /// <summary>
    /// A v2 node's lookup refused a dht slot at the quota's maximum takes one from a running lookup of the same node that
    /// holds more (the node's <c>dht.share-lookup-slots = on</c>): that lookup gives up its claim on a peer that answered it.
    /// </summary>
    public bool ShareLookupSlots { get; init; } = true;

    /// <summary>
    /// A v2 node's lookup refused a dht slot for want of room (the node full) makes room from a running lookup of the same node
    /// that holds more: that lookup lets go of a peer that answered it, and the connection its burst opened to that peer
    /// closes (the node's <c>dht.share-lookup-slots = on</c>).
    /// </summary>
    public bool ShareLookupRoom { get; init; } = true;

    /// <summary>
    /// A v2 node's lookup query given a dht slot at the quota's maximum that then finds the node full asks for room too
    /// (<see cref="ConnActors.Policy.Dht.LookupSlotSharing.MayAskToShare"/>); without it, a query is met by sharing once.
    /// </summary>
    public bool RoomAfterSharedSlot { get; init; } = true;

    /// <summary>v2 whose lookup queries, given a slot at the quota's maximum, never ask for room after it (an ablation; the model before 2 Dec 2026).</summary>
    public static PolicyVariant V2ShareOnce { get; } = new("v2-share-once", PolicyFamily.V2, V2Features.All, true, true,
        "v2 whose lookup queries, given a dht slot at the quota's maximum and then finding the node full, never ask for room") { RoomAfterSharedSlot = false };

    /// <summary>v2 whose lookups share dht slots at the quota's maximum but never make room on a full node (an ablation).</summary>
    public static PolicyVariant V2NoRoomSharing { get; } = new("v2-no-room-sharing", PolicyFamily.V2, V2Features.All, true, true,
        "v2 whose lookups, refused a dht slot because the node is full, never close a connection a busier running lookup no longer needs") { ShareLookupRoom = false };

    /// <summary>v2 whose lookups never share dht slots (<c>dht.share-lookup-slots = off</c>; an ablation; name it with --policy).</summary>
    public static PolicyVariant V2NoSlotSharing { get; } = new("v2-no-slot-sharing", PolicyFamily.V2, V2Features.All, true, true,
        "v2 whose lookups, refused a dht slot at the quota's maximum, never take one from another running lookup (dht.share-lookup-slots = off)") { ShareLookupSlots = false };

    /// <summary>v2 whose lookups wait out every failed query (<c>dht.slow-queries = off</c>; an ablation; name it with --policy).</summary>
    public static PolicyVariant V2NoSlowQueries { get; } = new("v2-no-slow-queries", PolicyFamily.V2, V2Features.All, true, true,
        "v2 whose lookups wait out the dial timeout of every failed query (dht.slow-queries = off)") { SlowQueries = false };

    /// <summary>A fleet member that must trim offers the peer to the member with the most room (the fleet's handoff).</summary>
    public bool FleetHandoff { get; init; }

    /// <summary>A fleet member steers an inbound client that a member sorting before it holds there (the fleet's deduplication).</summary>
    public bool FleetDedup { get; init; }

    /// <summary>v2 in a fleet with and without handoff and deduplication: for the fleet scenario, so not among <see cref="All"/>.</summary>
    public static IReadOnlyList<PolicyVariant> Fleet { get; } =
    [
        new("v2-fleet", PolicyFamily.V2, V2Features.All, true, true, "v2 fleet members each on their own: no handoff, no deduplication"),
        new("v2-fleet-dedup", PolicyFamily.V2, V2Features.All, true, true, "v2 fleet members steering duplicate clients to the member that keeps them") { FleetDedup = true },
        new("v2-fleet-handoff", PolicyFamily.V2, V2Features.All, true, true, "v2 fleet members offering the peers they trim to the member with most room") { FleetHandoff = true },
        new("v2-fleet-full", PolicyFamily.V2, V2Features.All, true, true, "v2 fleet members with handoff and deduplication (the node's defaults)") { FleetHandoff = true, FleetDedup = true },
    ];

    public static IReadOnlyList<PolicyVariant> All { get; } =
    [
        new("none", PolicyFamily.None, V2Features.All, false, false, "no connection manager: admits all, never trims"),
        new("basic", PolicyFamily.Basic, V2Features.All, false, false, "go-libp2p BasicConnMgr: low/high water, 10 s ticker, sort all peers"),
        new("js-like", PolicyFamily.JsLike, V2Features.All, false, false, "js-libp2p: one ceiling, prune on every connection, spare peers with streams"),
        new("v2", PolicyFamily.V2, V2Features.All, true, true, "ConnActors v2: reserves, quotas, lazy scoring, bursts, trims to low water, bye"),
        new("v2-no-quotas", PolicyFamily.V2, V2Features.All, false, true, "v2 without subsystem quotas"),
        new("v2-no-lazy", PolicyFamily.V2, V2Features.All with { LazyScoring = false }, true, true, "v2 scoring every peer each minute (eager)"),
        new("v2-no-burst", PolicyFamily.V2, V2Features.All with { BurstModel = false }, true, true, "v2 without the burst model"),
        new("v2-no-bye", PolicyFamily.V2, V2Features.All, true, false, "v2 without bye/backoff hints"),
        new("v2-no-ratecap", PolicyFamily.V2, V2Features.All with { InboundRateCapAboveHighWater = false }, true, true, "v2 admitting unknown inbound above high water up to its caps (trimmed later)"),
    ];

    /// <summary>Every variant <c>--policy</c> accepts: <see cref="All"/>, the single-feature ablations and <see cref="Fleet"/>.</summary>
    public static IReadOnlyList<PolicyVariant> Named { get; } =
        [.. All, V2NoRouterEntries, BasicNoFollowUp, V2NoLinger, V2NoOwnTrim, V2NoSlowQueries, V2FinClose, V2NoFollowUp, V2StrictHold,
            V2NoSlotSharing, V2NoRoomSharing, V2ShareOnce, .. Fleet];

    /// <summary>The variant called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static PolicyVariant? Find(string name) =>
        Named.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.OrdinalIgnoreCase));
}
