using ConnActors.Actors.Messaging;

namespace ConnActors.Actors.Store;

/// <summary>A command to the <see cref="PeerStoreActor"/>; each is answered with a <see cref="PeerStoreAck"/> once its change is persisted.</summary>
public interface IPeerStoreCommand : IConnActorsMessage;

/// <summary>Makes <paramref name="PeerId"/> a friend reachable at <paramref name="Multiaddrs"/> (replacing any addresses known before).</summary>
public sealed record SaveFriend(string PeerId, IReadOnlyList<string> Multiaddrs) : IPeerStoreCommand;

/// <summary>Forgets the friend <paramref name="PeerId"/>.</summary>
public sealed record DeleteFriend(string PeerId) : IPeerStoreCommand;

/// <summary>Protects <paramref name="PeerId"/> from trims under <paramref name="Tag"/> (a peer may carry several tags).</summary>
public sealed record SaveProtection(string PeerId, string Tag) : IPeerStoreCommand;

/// <summary>Removes the protection <paramref name="Tag"/> of <paramref name="PeerId"/>.</summary>
public sealed record DeleteProtection(string PeerId, string Tag) : IPeerStoreCommand;

/// <summary>
/// The remote <paramref name="PeerId"/> asked us (in a bye) not to redial it before <paramref name="NotBeforeMs"/>
/// (Unix ms). A shorter obligation never shortens a longer one already stored.
/// </summary>
public sealed record RecordByeObligation(string PeerId, long NotBeforeMs) : IPeerStoreCommand;

/// <summary>
/// The penalty of <paramref name="PeerId"/> as of <paramref name="LastUpdateMs"/>, remembered until
/// <paramref name="RetainUntilMs"/> (Unix ms); replaces the peer's previous penalty.
/// </summary>
public sealed record RecordPenalty(string PeerId, double Value, long LastUpdateMs, long RetainUntilMs) : IPeerStoreCommand;

/// <summary>Asks for the current <see cref="PeerStoreState"/> (expired entries left out).</summary>
public sealed record GetPeerStoreState : IConnActorsMessage
{
    /// <summary>The one instance.</summary>
    public static GetPeerStoreState Instance { get; } = new();

    private GetPeerStoreState()
    {
    }
}

/// <summary>
/// The reply to an <see cref="IPeerStoreCommand"/>: the change is durable up to <paramref name="SequenceNr"/>.
/// A command that changes nothing is acknowledged at once with the last persisted sequence number.
/// </summary>
public sealed record PeerStoreAck(long SequenceNr) : IConnActorsMessage;
