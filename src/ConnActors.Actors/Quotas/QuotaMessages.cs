using ConnActors.Actors.Messaging;
using ConnActors.Libp2p.Identity;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;

namespace ConnActors.Actors.Quotas;

// The API a subsystem uses, sent to its QuotaSupervisor.

/// <summary>
/// The subsystem needs a connection slot on <paramref name="Peer"/>; answered with <see cref="SlotReply"/>.
/// With <paramref name="ReplaceLeastUseful"/>, a subsystem at its maximum gives up the peer it holds that
/// its own reports rate least useful, and the slot goes to <paramref name="Peer"/>.
/// </summary>
public sealed record RequestSlot(PeerId Peer, bool ReplaceLeastUseful = false) : IConnActorsMessage;

/// <summary>
/// The answer to <see cref="RequestSlot"/>; when granted without a connection, dial the peer through the
/// manager. <paramref name="Replaced"/>: the peer the subsystem gave up for this request (its slot is released).
/// </summary>
public sealed record SlotReply(PeerId Peer, SlotOutcome Outcome, PeerId? Replaced = null) : IConnActorsMessage
{
    /// <summary>True when the slot is the subsystem's.</summary>
    public bool Granted => Outcome is SlotOutcome.Granted or SlotOutcome.Borrowed or SlotOutcome.GrantedAfterReclaim;
}

/// <summary>The subsystem no longer needs <paramref name="Peer"/>.</summary>
public sealed record ReleaseSlot(PeerId Peer) : IConnActorsMessage;

/// <summary>Starts a burst (e.g. one DHT query); answered with <see cref="BurstStarted"/>.</summary>
public sealed record StartBurst : IConnActorsMessage
{
    /// <summary>The one instance.</summary>
    public static StartBurst Instance { get; } = new();
}

/// <summary>A running burst of this subsystem.</summary>
public sealed record BurstStarted(int BurstId) : IConnActorsMessage;

/// <summary>Enlists <paramref name="Peer"/> in a running burst: it is in use until the burst ends.</summary>
public sealed record EnlistInBurst(int BurstId, PeerId Peer) : IConnActorsMessage;

/// <summary>Ends a burst: above low water the connections it opened that nothing else uses are closed; its other peers are ordinary peers again.</summary>
public sealed record EndBurst(int BurstId) : IConnActorsMessage;

/// <summary>
/// The running bursts <paramref name="BurstIds"/> no longer need <paramref name="Peer"/> (it answered each of them): as at a
/// burst's end, if it is in no other burst, one of them opened its connection and nothing else uses it, the connection closes
/// (in whatever order the ids come).
/// Answered with <see cref="BurstLeft"/>.
/// </summary>
public sealed record LeaveBursts(IReadOnlyList<int> BurstIds, PeerId Peer) : IConnActorsMessage;

/// <summary>The answer to <see cref="LeaveBursts"/>: whether the peer's connection is being closed.</summary>
public sealed record BurstLeft(PeerId Peer, bool Closing) : IConnActorsMessage;

/// <summary>Locks <paramref name="Peer"/> against trims for <paramref name="Duration"/> (revocable by the manager).</summary>
public sealed record LockPeer(PeerId Peer, TimeSpan Duration) : IConnActorsMessage;

/// <summary>The subsystem found <paramref name="Peer"/> useful (a query answered, a first delivery).</summary>
public sealed record ReportUseful(PeerId Peer, UsefulnessSignal Signal, double Amount = 1) : IConnActorsMessage;

/// <summary>The manager closed a peer this subsystem held, to give a slot back to a subsystem below its reservation.</summary>
public sealed record SlotReclaimed(PeerId Peer) : IConnActorsMessage;

/// <summary>Asks for the subsystem's peers ranked by its own scorer; answered with <see cref="SubsystemPeers"/>.</summary>
public sealed record GetSubsystemPeers : IConnActorsMessage
{
    /// <summary>The one instance.</summary>
    public static GetSubsystemPeers Instance { get; } = new();
}

/// <summary>The peers a subsystem holds, least useful to it first.</summary>
public sealed record SubsystemPeers(IReadOnlyList<SubsystemPeer> Peers) : IConnActorsMessage;

/// <summary>A held peer and its usefulness to the subsystem (from the subsystem's own reports, decayed).</summary>
public sealed record SubsystemPeer(PeerId Peer, double Usefulness) : IConnActorsMessage;

// Between a QuotaSupervisor and the manager, which owns the policy.

internal sealed record SubsystemRequest(SubsystemId Subsystem, object Request, IActorRefHolder ReplyTo);

/// <summary>The manager's answer to a <see cref="SubsystemRequest"/>, passed back through the supervisor.</summary>
internal sealed record SubsystemReply(object Reply, IActorRefHolder ReplyTo);

/// <summary>Carries the original requester through the manager without exposing Akka types in public records.</summary>
internal sealed record IActorRefHolder(Akka.Actor.IActorRef Ref);
