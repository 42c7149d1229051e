using ConnActors.Actors.Bye;
using ConnActors.Actors.Store;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Trimming;

namespace ConnActors.Actors.Ledger;

/// <summary>Something the ledger decided must happen outside it; the manager carries each out.</summary>
internal abstract record LedgerEffect;

/// <summary>End the attempt or connection <paramref name="Id"/> at the host, without a bye (a refusal, or a trimmed connection that opened late).</summary>
internal sealed record AbortConnection(ConnectionId Id, string Reason) : LedgerEffect;

/// <summary>Say bye to the peer and close the connections <paramref name="Ids"/> it holds now.</summary>
internal sealed record ByeAndClose(PeerKey Key, PeerId Peer, IReadOnlyList<ConnectionId> Ids, ByeMessage Bye, string Reason) : LedgerEffect;

/// <summary>Dial <paramref name="Peer"/> as attempt <paramref name="Id"/> (the dial already holds its slot).</summary>
internal sealed record StartDial(ConnectionId Id, PeerKey Key, PeerId Peer, IReadOnlyList<Multiaddr> Addresses) : LedgerEffect;

/// <summary>
/// A queued dial to the peer ended without a connection. <paramref name="Peer"/> is the peer's id as known
/// when it ended: a dial refused before it started may leave no record (and key) behind to look it up by.
/// <paramref name="HeldAfterOwnTrim"/>: refused by this node's own-trim hold. <paramref name="RefusedForRoom"/>: refused by
/// admission because the node is full (its hard cap, or the friend reserve for an ordinary peer).
/// </summary>
internal sealed record DialFailed(PeerKey Key, PeerId? Peer, string Reason, bool HeldAfterOwnTrim = false, bool RefusedForRoom = false) : LedgerEffect;

/// <summary>Look at the dial queue again at <paramref name="AtMs"/>.</summary>
internal sealed record PumpDialsAt(long AtMs) : LedgerEffect;

/// <summary>Record a change in the peer store; nobody waits for it.</summary>
internal sealed record Persist(IPeerStoreCommand Command) : LedgerEffect;

/// <summary>The peer is a friend reachable at <paramref name="Addresses"/>: its actor keeps it connected.</summary>
internal sealed record FriendBecame(PeerKey Key, PeerId Peer, IReadOnlyList<Multiaddr> Addresses) : LedgerEffect;

/// <summary>The peer is no longer a friend.</summary>
internal sealed record FriendDropped(PeerKey Key) : LedgerEffect;

/// <summary>A subsystem's slot on <paramref name="Peer"/> was taken back to honour another subsystem's reservation.</summary>
internal sealed record SlotTakenBack(PeerId Peer) : LedgerEffect;

/// <summary>An inbound stream of <paramref name="Subsystem"/>'s protocol claimed a slot on <paramref name="Peer"/>.</summary>
internal sealed record SlotClaimedByStream(SubsystemId Subsystem, PeerId Peer) : LedgerEffect;

/// <summary>Tell operators' views (the EventStream) what happened.</summary>
internal sealed record Announce(Manager.IManagerEvent Event) : LedgerEffect;

/// <summary>A round of regulation ran: for the log.</summary>
internal sealed record RegulationRan(TrimPlanSummary Summary) : LedgerEffect;

/// <summary>What a regulation round did, for the log.</summary>
internal sealed record TrimPlanSummary(RegulationTrigger Trigger, int CountBefore, int Closed, IReadOnlyDictionary<TrimReason, int> Victims, long? FollowUpInMs, bool Emergency);

/// <summary>Offer the trimmed peer to <paramref name="Target"/>, a fleet member with room, which dials it at <paramref name="Addresses"/>.</summary>
internal sealed record HandOff(PeerId Peer, IReadOnlyList<Multiaddr> Addresses, FleetTarget Target) : LedgerEffect;

/// <summary>A penalty recorded here, for the rest of the fleet to honour.</summary>
internal sealed record SharePenalty(PeerId Peer, double Value, long LastUpdateMs, long RetainUntilMs) : LedgerEffect;
