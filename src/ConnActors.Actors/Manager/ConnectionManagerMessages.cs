using ConnActors.Actors.Messaging;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Libp2p.Protocols;

namespace ConnActors.Actors.Manager;

// Gate questions from the libp2p host's I/O paths; each names its attempt and is answered with a GateDecision.

/// <summary>May the inbound attempt <paramref name="Id"/> from <paramref name="Remote"/> start its handshake?</summary>
internal sealed record CheckInboundAddress(ConnectionId Id, Multiaddr Remote);

/// <summary>The inbound attempt <paramref name="Id"/> authenticated as <paramref name="Peer"/>: admit it?</summary>
internal sealed record CheckInboundPeer(ConnectionId Id, PeerId Peer, Multiaddr Remote);

/// <summary>The outbound attempt <paramref name="Id"/> authenticated <paramref name="Peer"/>: admit it (a dial not made through the queue)?</summary>
internal sealed record CheckOutboundPeer(ConnectionId Id, PeerId Peer, Multiaddr Remote);

/// <summary>An inbound stream of <paramref name="Protocol"/> on connection <paramref name="Id"/>: does its subsystem have a slot?</summary>
internal sealed record CheckInboundStream(ConnectionId Id, string Protocol);

// Events forwarded from the host.

internal sealed record HostConnectionOpened(Libp2pConnection Connection);

internal sealed record HostConnectionClosed(Libp2pConnection Connection, string Reason);

internal sealed record HostConnectionFailed(ConnectionId Id, string Reason);

internal sealed record HostStreamOpened(Libp2pConnection Connection, string Protocol);

internal sealed record HostStreamClosed(Libp2pConnection Connection, string? Protocol, long Bytes);

internal sealed record HostIdentified(Libp2pConnection Connection, IdentifyInfo Info);

/// <summary>A remote peer said bye on <c>/connactors/bye/1.0.0</c>.</summary>
internal sealed record RemoteByeReceived(PeerId Peer, ConnectionId Connection, Bye.ByeMessage Bye);

/// <summary>A peer's bye stream was reset: its message was malformed or did not arrive (<paramref name="Reason"/>).</summary>
internal sealed record MalformedByeReceived(PeerId Peer, string Reason);

/// <summary>A dial the manager started as attempt <paramref name="Id"/> returned: with a connection's id, or a failure.</summary>
internal sealed record DialReturned(ConnectionId Id, ConnectionId? Connection, string? Failure);

// Commands and queries (from management, subsystems and the node).

/// <summary>Priority of a dial: friends first, then subsystem requests, then alternatives offered by a bye.</summary>
public enum DialPriority : byte
{
    /// <summary>Alternatives learnt from a remote bye, discovery.</summary>
    Background = 32,

    /// <summary>A subsystem needs the peer.</summary>
    Normal = 128,

    /// <summary>A friend's reconnect.</summary>
    Friend = 224,
}

/// <summary>Gives the started host to the manager (answered with a <see cref="CommandAck"/> once it serves).</summary>
public sealed record AttachHost(Libp2pHost Host);

/// <summary>Dial <paramref name="Peer"/> at one of <paramref name="Addresses"/> through the dial queue.</summary>
public sealed record DialPeer(PeerId Peer, IReadOnlyList<Multiaddr> Addresses, DialPriority Priority = DialPriority.Normal) : IConnActorsMessage;

/// <summary>Make a peer a friend: protected, reserved slots, reconnected forever; persisted.</summary>
public sealed record AddFriend(Multiaddr Address) : IConnActorsMessage;

/// <summary>The peer is no longer a friend.</summary>
public sealed record RemoveFriend(PeerId Peer) : IConnActorsMessage;

/// <summary>Protects a peer from trims under a named tag (any number of tags per peer); persisted.</summary>
public sealed record ProtectPeer(PeerId Peer, string Tag) : IConnActorsMessage;

/// <summary>Removes a named protection; persisted.</summary>
public sealed record UnprotectPeer(PeerId Peer, string Tag) : IConnActorsMessage;

/// <summary>Penalizes a peer (operator action, misbehaviour); remembered after it disconnects and persisted.</summary>
public sealed record PenalizePeer(PeerId Peer, double Amount) : IConnActorsMessage;

/// <summary>Acknowledges a command once it has taken effect (and, where it must survive restarts, was persisted).</summary>
public sealed record CommandAck(string What) : IConnActorsMessage;

/// <summary>Asks for the manager's state; answered with <see cref="ManagerStatus"/>.</summary>
public sealed record GetManagerStatus : IConnActorsMessage
{
    /// <summary>The one instance.</summary>
    public static GetManagerStatus Instance { get; } = new();
}

/// <summary>Asks for the dial queue's counters; answered with <see cref="DialQueueStatus"/>.</summary>
public sealed record GetDialQueueStatus : IConnActorsMessage
{
    /// <summary>The one instance.</summary>
    public static GetDialQueueStatus Instance { get; } = new();
}

/// <summary>Dials waiting, parked in a backoff window, in flight, and the bye obligations in force.</summary>
public sealed record DialQueueStatus(int Queued, int Parked, int InFlight, int ByeObligations) : IConnActorsMessage;

/// <summary>Asks for the supervisor of a subsystem; answered with <see cref="SubsystemRef"/>.</summary>
public sealed record GetSubsystem(string Name);

/// <summary>The supervisor of subsystem <paramref name="Name"/>, or null when none is enrolled under that name.</summary>
public sealed record SubsystemRef(string Name, Akka.Actor.IActorRef? Supervisor);

/// <summary>Run a regulation round now (management's "trim").</summary>
public sealed record TrimNow : IConnActorsMessage
{
    /// <summary>The one instance.</summary>
    public static TrimNow Instance { get; } = new();
}

/// <summary>The node is stopping: say bye to every peer and close every connection; no more regulation.</summary>
public sealed record ShutdownPolitely : IConnActorsMessage
{
    /// <summary>The one instance.</summary>
    public static ShutdownPolitely Instance { get; } = new();
}

/// <summary>Memory pressure: trim down to the emergency target now (friends and protected peers stay).</summary>
public sealed record MemoryPressure : IConnActorsMessage
{
    /// <summary>The one instance.</summary>
    public static MemoryPressure Instance { get; } = new();
}

// Between the manager and its node's Negotiator (the fleet).

/// <summary>The node's Negotiator: handoffs and penalties are passed to it.</summary>
internal sealed record AttachNegotiator(Akka.Actor.IActorRef Negotiator);

/// <summary>Take <paramref name="Cap"/> as the node's share of its site's budget; answered with <see cref="HardCapApplied"/>.</summary>
internal sealed record SetHardCap(int Cap);

/// <summary>The share granted after a <see cref="SetHardCap"/> (0: no share); in force while its lease is valid.</summary>
internal sealed record HardCapApplied(int Cap);

/// <summary>The site allocator renewed the lease of the request of <paramref name="RequestedAtMs"/>, reserving at most <paramref name="Bound"/>.</summary>
internal sealed record RenewShareLease(long RequestedAtMs, int Bound);

/// <summary>Asks for the node's load as the fleet sees it; answered with <see cref="LoadSample"/>.</summary>
internal sealed record GetLoadSample
{
    public static GetLoadSample Instance { get; } = new();
}

/// <summary>The node's load, with the identity other members friend it by.</summary>
internal sealed record LoadSample(Ledger.FleetLoadSample Load, string PeerId, IReadOnlyList<string> ListenAddresses);

/// <summary>A friend of the fleet (another member, a fleet-wide friend this member holds): added or dropped; never persisted.</summary>
internal sealed record FleetFriend(Multiaddr Address, bool Add);

/// <summary>What the fleet holds and who has room, for deduplication and handoffs.</summary>
internal sealed record UpdateFleetView(Ledger.FleetView View);

/// <summary>A penalty another member recorded.</summary>
internal sealed record MergeSharedPenalty(PeerId Peer, double Value, long LastUpdateMs, long RetainUntilMs);

/// <summary>Manager to Negotiator: offer a trimmed peer to a member with room.</summary>
internal sealed record OfferHandoff(PeerId Peer, IReadOnlyList<Multiaddr> Addresses, Ledger.FleetTarget Target);

/// <summary>Manager to Negotiator: a penalty recorded here, for the fleet.</summary>
internal sealed record PublishPenalty(PeerId Peer, double Value, long LastUpdateMs, long RetainUntilMs);

/// <summary>
/// Dial <paramref name="Peer"/> for a short query (a DHT lookup), answered with <see cref="DialOutcome"/>.
/// Unlike <see cref="DialPeer"/> it is never parked: a peer inside a dial backoff or bye window is refused
/// at once, since a query is worth a dial now or not at all. A peer this node trimmed lately is refused too (the own-trim
/// hold), unless <paramref name="PassOwnTrimHold"/>: a lookup that needs that peer among the closest to its key.
/// </summary>
internal sealed record DialForQuery(PeerId Peer, IReadOnlyList<Multiaddr> Addresses, bool PassOwnTrimHold = false);

/// <summary>
/// How a <see cref="DialForQuery"/> ended: a connection (possibly one already open), or why not; <paramref name="QueuedMs"/>
/// is how long it waited in the dial queue before its dial started (0 when answered at once); <paramref name="HeldAfterOwnTrim"/>:
/// refused because this node trimmed the peer lately (the own-trim hold); <paramref name="RefusedForRoom"/>: refused by admission
/// because the node is full (a dht slot granted before the dial does not hold its room: other dials and inbound connections
/// may take it meanwhile).
/// </summary>
internal sealed record DialOutcome(PeerId Peer, Libp2pConnection? Connection, string? Failure, long QueuedMs = 0, bool HeldAfterOwnTrim = false,
    bool RefusedForRoom = false);
