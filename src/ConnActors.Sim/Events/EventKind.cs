namespace ConnActors.Sim.Events;

/// <summary>What a scheduled event does; its operands are in <see cref="SimEvent"/>.</summary>
internal enum EventKind : byte
{
    NodeUp,
    NodeDown,
    LookupStart,
    BurstEnd,
    MeshRepair,
    Publish,
    RegulationCheck,
    RouterRelease,
    FriendRetry,
    CrowdDial,
    GatewayVisit,
    Sample,
    Housekeeping,
}
