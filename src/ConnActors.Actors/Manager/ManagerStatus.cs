using ConnActors.Actors.Messaging;

namespace ConnActors.Actors.Manager;

/// <summary>A snapshot of the manager for management views.</summary>
public sealed record ManagerStatus(
    string PeerId,
    IReadOnlyList<string> ListenAddresses,
    ConnectionCounts Counts,
    IReadOnlyList<PeerStatus> Peers,
    IReadOnlyList<QuotaStatus> Quotas,
    IReadOnlyDictionary<string, long> RefusalsByReason,
    IReadOnlyDictionary<string, long> TrimsByReason,
    int ActiveBursts,
    int QueuedDials,
    long FailedInboundHandshakes = 0) : IConnActorsMessage;

/// <summary>
/// Connection counts against the limits. <paramref name="RouterEntries"/>: while a site budget applies or the node
/// sits alone behind a router (<c>connactors.limits.router-entries</c>), the entries the router holds for this node
/// (connections and attempts, plus ended ones still within <c>connactors.limits.router-entry-linger</c>, and attempts
/// refused at the gate within <c>router-reset-linger</c>); null otherwise. <paramref name="RouterEntryBudget"/>: what
/// bounds them: a lone node's router entries, or a site member's share (<paramref name="HardCap"/>, which it may
/// exceed while its site has room); null otherwise.
/// </summary>
public sealed record ConnectionCounts(
    int Connections, int Inbound, int Outbound, int PendingInbound, int PendingOutbound,
    int HardCap, int HighWater, int LowWater, int OutboundReserve, int FriendReserve, int? RouterEntries = null, int? RouterEntryBudget = null) : IConnActorsMessage;

/// <summary>One peer as the manager sees it; <paramref name="Penalty"/> is its retained penalty now (0 when none).</summary>
public sealed record PeerStatus(
    string PeerId, int Inbound, int Outbound, bool IsFriend, bool IsProtected, double Score,
    IReadOnlyList<string> Subsystems, bool IsClosing, double Penalty) : IConnActorsMessage;

/// <summary>One subsystem's budget and use.</summary>
public sealed record QuotaStatus(string Name, int Reserved, int Maximum, int Used) : IConnActorsMessage;
