using ConnActors.Actors.Bye;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Libp2p.Protocols;
using ConnActors.Policy;
using ConnActors.Policy.Trimming;

namespace ConnActors.Actors.Peers;

internal sealed record PeerConnectionAdded(Libp2pConnection Connection);

internal sealed record PeerConnectionRemoved(ConnectionId ConnectionId, string Reason);

internal sealed record PeerStreamOpened(string Protocol);

internal sealed record PeerStreamClosed(string? Protocol);

internal sealed record PeerIdentified(IdentifyInfo Info);

/// <summary>Close the connections <paramref name="Ids"/> of the peer, saying bye first when the remote speaks it.</summary>
internal sealed record TrimPeer(IReadOnlyList<ConnectionId> Ids, ByeMessage Bye, string Reason);

/// <summary>The peer is (now) a friend, reachable at <paramref name="Addresses"/>.</summary>
internal sealed record BecomeFriend(IReadOnlyList<Multiaddr> Addresses);

/// <summary>Close every connection of the peer with a bye (shutdown, handoff): not a trim.</summary>
internal sealed record CloseWithBye(ByeMessage Bye, string Reason);

internal sealed record StopBeingFriend
{
    public static StopBeingFriend Instance { get; } = new();
}

/// <summary>A dial to the peer failed (from the dial queue, through the manager).</summary>
internal sealed record PeerDialFailed(string Reason);

/// <summary>The peer has no connection and nothing to wait for: the manager may stop its actor.</summary>
internal sealed record PeerIdle(PeerKey Key);

/// <summary>Asks a peer actor what it holds; answered with <see cref="PeerActorState"/>.</summary>
internal sealed record GetPeerActorState
{
    public static GetPeerActorState Instance { get; } = new();
}

internal sealed record PeerActorState(int Connections, IReadOnlyDictionary<string, int> StreamsByProtocol, bool IsFriend, bool SpeaksBye, int ReconnectFailures, bool Closing);
