using ConnActors.Actors.Messaging;

namespace ConnActors.Actors.Manager;

// What the manager did, published on the actor system's EventStream for operators' live views (the node's
// event stream for `connctl tail` and the dashboard) and counters (metrics). Subscribe to IManagerEvent for all.
// Peers and addresses are strings so that subscribers need nothing from the wire layer.

/// <summary>Marks every event the connection manager publishes on the EventStream.</summary>
public interface IManagerEvent : IConnActorsMessage;

/// <summary>A connection of <paramref name="PeerId"/> was admitted and registered; <paramref name="Direction"/> is inbound or outbound.</summary>
public sealed record ConnectionAdmitted(string PeerId, string Direction, string RemoteAddress) : IManagerEvent;

/// <summary>
/// An admission (inbound address or peer, outbound dial, inbound stream) was refused for <paramref name="Reason"/>
/// (the names of <see cref="ManagerStatus.RefusalsByReason"/>, except that a refused stream names its protocol and
/// outcome); the remote address and peer when known.
/// </summary>
public sealed record AdmissionRefused(string Reason, string? RemoteAddress, string? PeerId) : IManagerEvent;

/// <summary>A regulation round (or a quota reclaim) chose <paramref name="PeerId"/> to close, for <paramref name="Reason"/> (as in <see cref="ManagerStatus.TrimsByReason"/>).</summary>
public sealed record PeerTrimmed(string PeerId, string Reason) : IManagerEvent;

/// <summary>A bye (<paramref name="Reason"/>: trimmed, memory-pressure, quota-reclaim, shutting-down...) was delivered to <paramref name="PeerId"/> before closing.</summary>
public sealed record ByeSent(string PeerId, string Reason, int Alternatives) : IManagerEvent;

/// <summary>A registered connection of <paramref name="PeerId"/> closed, for <paramref name="Reason"/>.</summary>
public sealed record ConnectionClosed(string PeerId, string Direction, string Reason) : IManagerEvent;

/// <summary>
/// The node's hard cap changed to <paramref name="HardCap"/>: its share of its site's budget (0: no share), at
/// <paramref name="Timestamp"/> (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>, when the change took effect);
/// also published when the share's grant or lease changes, so that the cap in force at any later moment follows
/// from the last event (<see cref="InForceAt"/>).
/// </summary>
public sealed record HardCapChanged(int HardCap, long Timestamp) : IManagerEvent
{
    /// <summary>The share granted (what the lease lets the node use while it is valid); the hard cap when not leased.</summary>
    public int Grant { get; init; } = HardCap;

    /// <summary>The floor the share falls to when the lease lapses.</summary>
    public int Floor { get; init; }

    /// <summary>Until when (<see cref="System.Diagnostics.Stopwatch"/> timestamp) the grant is valid; long.MaxValue when not leased.</summary>
    public long GrantUntil { get; init; } = long.MaxValue;

    /// <summary>Until when the floor is valid; long.MaxValue when not leased.</summary>
    public long FloorUntil { get; init; } = long.MaxValue;

    /// <summary>The cap in force at <paramref name="timestamp"/>, from this event's grant and lease alone (no actor has to run).</summary>
    public int InForceAt(long timestamp) => ConnActors.Policy.Fleet.ShareLease.InForce(Grant, Floor, timestamp, GrantUntil, FloorUntil);
}
