namespace ConnActors.Actors.Store;

/// <summary>
/// The whole store at one sequence number, as saved in the snapshot store under the manifest
/// <c>peer-store-snapshot.v1</c> (docs/peer-store.md). Expired entries are left out when it is taken.
/// </summary>
public sealed record PeerStoreSnapshot(
    IReadOnlyList<StoredFriend> Friends,
    IReadOnlyList<StoredProtection> Protections,
    IReadOnlyList<StoredByeObligation> ByeObligations,
    IReadOnlyList<StoredPenalty> Penalties)
{
    /// <inheritdoc />
    public bool Equals(PeerStoreSnapshot? other) =>
        other is not null
        && Friends.SequenceEqual(other.Friends)
        && Protections.SequenceEqual(other.Protections)
        && ByeObligations.SequenceEqual(other.ByeObligations)
        && Penalties.SequenceEqual(other.Penalties);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Friends.Count, Protections.Count, ByeObligations.Count, Penalties.Count);
}
