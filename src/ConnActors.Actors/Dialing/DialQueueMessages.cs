using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;

namespace ConnActors.Actors.Dialing;

/// <summary>
/// Queue a dial (manager to dial queue). <paramref name="ReplyTo"/>, when set, is told the
/// <see cref="DialOutcome"/>; with <paramref name="NowOrNever"/> a peer inside a backoff window is refused
/// at once instead of being parked until the window ends.
/// </summary>
internal sealed record QueueDial(PeerKey Key, PeerId Peer, IReadOnlyList<Multiaddr> Addresses, DialPriority Priority,
    IActorRef? ReplyTo = null, bool NowOrNever = false);

/// <summary>
/// Dial <paramref name="Peer"/> for a short query (a DHT lookup), answered with <see cref="DialOutcome"/>.
/// Unlike <see cref="DialPeer"/> it is never parked: a peer inside a dial backoff or bye window is refused
/// at once, since a query is worth a dial now or not at all.
/// </summary>
internal sealed record DialForQuery(PeerId Peer, IReadOnlyList<Multiaddr> Addresses);

/// <summary>How a <see cref="DialForQuery"/> ended: a connection (possibly one already open), or why not.</summary>
internal sealed record DialOutcome(PeerId Peer, Libp2pConnection? Connection, string? Failure);

/// <summary>A remote asked us not to redial before <paramref name="BackoffMs"/> from now (manager to dial queue).</summary>
internal sealed record HonourRemoteBye(PeerKey Key, long BackoffMs);

/// <summary>Restores a persisted bye obligation.</summary>
internal sealed record RestoreByeObligation(PeerKey Key, long NotBeforeMs);

/// <summary>May this dial start (dial queue to manager)? Answered with <see cref="DialAdmission"/>.</summary>
internal sealed record RequestDialAdmission(PeerKey Key, PeerId Peer, Multiaddr Address);

/// <summary>The manager's answer to <see cref="RequestDialAdmission"/>.</summary>
internal sealed record DialAdmission(PeerKey Key, bool Admitted, string? Reason);

/// <summary>
/// A queued dial ended (dial queue to manager): <paramref name="Admitted"/> when the manager had admitted
/// it (its slot is then released on failure), otherwise it never got that far.
/// </summary>
internal sealed record DialFinished(PeerKey Key, PeerId Peer, Libp2pConnection? Connection, string? Failure, bool Admitted);

/// <summary>Asks the dial queue for its counters; answered with <see cref="DialQueueStatus"/>.</summary>
internal sealed record GetDialQueueStatus
{
    public static GetDialQueueStatus Instance { get; } = new();
}

internal sealed record DialQueueStatus(int Queued, int Parked, int InFlight, int ByeObligations);
