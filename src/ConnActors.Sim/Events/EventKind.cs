namespace ConnActors.Sim.Events;

/// <summary>What a scheduled event does; its operands are in <see cref="SimEvent"/>.</summary>
internal enum EventKind : byte
{
    /// <summary>Churn: node A comes online (B encodes an initial residual session).</summary>
    NodeUp,

    /// <summary>Churn: node A's session B ends.</summary>
    NodeDown,

    /// <summary>Churn: a share of the online nodes leaves at once.</summary>
    MassDeparture,

    /// <summary>DHT: node A (session B) starts a lookup.</summary>
    LookupStart,

    /// <summary>DHT: the lookup in slot A ends.</summary>
    BurstEnd,

    /// <summary>Pubsub: node A (session B) repairs its mesh.</summary>
    MeshRepair,

    /// <summary>Pubsub: a message is published in topic A.</summary>
    Publish,

    /// <summary>Connections: node A's policy asked to be regulated now.</summary>
    RegulationCheck,

    /// <summary>Connections: router A lets a lingering entry go.</summary>
    RouterRelease,

    /// <summary>Connections: trims older than the bye window are forgotten.</summary>
    PurgeTrimHistory,

    /// <summary>Fleet: friend pair A is redialed.</summary>
    FriendRetry,

    /// <summary>Fleet: friend uptime is sampled.</summary>
    FriendSample,

    /// <summary>Fleet: client A (session B) visits a gateway.</summary>
    GatewayVisit,

    /// <summary>Crowd: node A dials crowd target B.</summary>
    CrowdDial,

    /// <summary>Sampling: the time series takes a row.</summary>
    Sample,

    /// <summary>Sites: every site budget is split again by its members' demand.</summary>
    SiteRebalance,

    /// <summary>Fleet: every member publishes its load (room and clients held) to the others.</summary>
    FleetLoadPublish,

    /// <summary>Fleet: member A takes the handoff of client B.</summary>
    HandoffDial,
}
