namespace ConnActors.Actors.Store;

/// <summary>
/// A persisted change of the peer store. Stored with <see cref="Serialization.PeerStoreSerializer"/> under a
/// versioned manifest (docs/peer-store.md); never sent between nodes, so never an <c>IConnActorsMessage</c>.
/// </summary>
public interface IPeerStoreEvent;

/// <summary>Manifest <c>friend-added.v1</c>.</summary>
public sealed record FriendAdded(string PeerId, IReadOnlyList<string> Multiaddrs) : IPeerStoreEvent
{
    /// <inheritdoc />
    public bool Equals(FriendAdded? other) =>
        other is not null && PeerId == other.PeerId && Multiaddrs.SequenceEqual(other.Multiaddrs);

    /// <inheritdoc />
    public override int GetHashCode() => PeerId.GetHashCode(StringComparison.Ordinal);
}

/// <summary>Manifest <c>friend-removed.v1</c>.</summary>
public sealed record FriendRemoved(string PeerId) : IPeerStoreEvent;

/// <summary>Manifest <c>peer-protected.v1</c>.</summary>
public sealed record PeerProtected(string PeerId, string Tag) : IPeerStoreEvent;

/// <summary>Manifest <c>peer-unprotected.v1</c>.</summary>
public sealed record PeerUnprotected(string PeerId, string Tag) : IPeerStoreEvent;

/// <summary>Manifest <c>bye-obligation-recorded.v1</c>.</summary>
public sealed record ByeObligationRecorded(string PeerId, long NotBeforeMs) : IPeerStoreEvent;

/// <summary>Manifest <c>penalty-recorded.v1</c>.</summary>
public sealed record PenaltyRecorded(string PeerId, double Value, long LastUpdateMs, long RetainUntilMs) : IPeerStoreEvent;
