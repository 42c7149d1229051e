using ConnActors.Actors.Manager;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;

namespace ConnActors.Actors.Dialing;

/// <summary>Queue a dial (manager to dial queue).</summary>
internal sealed record QueueDial(PeerKey Key, PeerId Peer, IReadOnlyList<Multiaddr> Addresses, DialPriority Priority);

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
public sealed record GetDialQueueStatus
{
    public static GetDialQueueStatus Instance { get; } = new();
}

/// <summary>The dial queue's counters: dials waiting to start, parked until a backoff ends, in flight, and remotes' bye obligations in force.</summary>
public sealed record DialQueueStatus(int Queued, int Parked, int InFlight, int ByeObligations);
