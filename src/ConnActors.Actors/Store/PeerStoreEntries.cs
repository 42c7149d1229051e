namespace ConnActors.Actors.Store;

/// <summary>A friend: its PeerId and the multiaddrs it is dialed at.</summary>
public sealed record StoredFriend(string PeerId, IReadOnlyList<string> Multiaddrs)
{
    /// <inheritdoc />
    public bool Equals(StoredFriend? other) =>
        other is not null && PeerId == other.PeerId && Multiaddrs.SequenceEqual(other.Multiaddrs);

    /// <inheritdoc />
    public override int GetHashCode() => PeerId.GetHashCode(StringComparison.Ordinal);
}

/// <summary>A protection tag on a peer.</summary>
public sealed record StoredProtection(string PeerId, string Tag);

/// <summary>We promised <see cref="PeerId"/> not to dial it before <see cref="NotBeforeMs"/> (Unix ms).</summary>
public sealed record StoredByeObligation(string PeerId, long NotBeforeMs)
{
    /// <summary>Whether the obligation no longer binds at <paramref name="nowMs"/>.</summary>
    public bool IsExpired(long nowMs) => NotBeforeMs <= nowMs;
}

/// <summary>A penalty remembered across restarts until <see cref="RetainUntilMs"/> (Unix ms).</summary>
public sealed record StoredPenalty(string PeerId, double Value, long LastUpdateMs, long RetainUntilMs)
{
    /// <summary>Whether the penalty is no longer retained at <paramref name="nowMs"/>.</summary>
    public bool IsExpired(long nowMs) => RetainUntilMs <= nowMs;
}
