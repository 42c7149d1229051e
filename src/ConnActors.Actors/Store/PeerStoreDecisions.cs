namespace ConnActors.Actors.Store;

/// <summary>What a command changes: the event to persist, or none when the store already says so.</summary>
internal static class PeerStoreDecisions
{
    /// <summary>
    /// The event <paramref name="command"/> leads to in <paramref name="state"/> at <paramref name="nowMs"/>, or null
    /// when nothing would change. Throws <see cref="ArgumentException"/> for a malformed command.
    /// </summary>
    public static IPeerStoreEvent? EventFor(IPeerStoreCommand command, PeerStoreState state, long nowMs)
    {
        switch (command)
        {
            case SaveFriend c:
                RequireText(c.PeerId, nameof(c.PeerId));
                if (c.Multiaddrs is null) throw new ArgumentException("Multiaddrs must not be null", nameof(command));
                foreach (var address in c.Multiaddrs) RequireText(address, nameof(c.Multiaddrs));
                return state.Friends.TryGetValue(c.PeerId, out var friend) && friend.Multiaddrs.SequenceEqual(c.Multiaddrs)
                    ? null
                    : new FriendAdded(c.PeerId, c.Multiaddrs.ToArray());
            case DeleteFriend c:
                RequireText(c.PeerId, nameof(c.PeerId));
                return state.Friends.ContainsKey(c.PeerId) ? new FriendRemoved(c.PeerId) : null;
            case SaveProtection c:
                RequireText(c.PeerId, nameof(c.PeerId));
                RequireText(c.Tag, nameof(c.Tag));
                return state.IsProtected(c.PeerId, c.Tag) ? null : new PeerProtected(c.PeerId, c.Tag);
            case DeleteProtection c:
                RequireText(c.PeerId, nameof(c.PeerId));
                RequireText(c.Tag, nameof(c.Tag));
                return state.IsProtected(c.PeerId, c.Tag) ? new PeerUnprotected(c.PeerId, c.Tag) : null;
            case RecordByeObligation c:
                RequireText(c.PeerId, nameof(c.PeerId));
                if (c.NotBeforeMs <= nowMs) return null;
                // A later, shorter bye never shortens an earlier obligation (docs/politeness.md).
                return state.ByeObligations.TryGetValue(c.PeerId, out var held) && !held.IsExpired(nowMs) && held.NotBeforeMs >= c.NotBeforeMs
                    ? null
                    : new ByeObligationRecorded(c.PeerId, c.NotBeforeMs);
            case RecordPenalty c:
                RequireText(c.PeerId, nameof(c.PeerId));
                if (!double.IsFinite(c.Value)) throw new ArgumentException($"Value must be a finite number, was {c.Value}", nameof(command));
                if (c.RetainUntilMs <= nowMs && !state.Penalties.ContainsKey(c.PeerId)) return null;
                return state.Penalties.TryGetValue(c.PeerId, out var stored) && stored == new StoredPenalty(c.PeerId, c.Value, c.LastUpdateMs, c.RetainUntilMs)
                    ? null
                    : new PenaltyRecorded(c.PeerId, c.Value, c.LastUpdateMs, c.RetainUntilMs);
            default:
                throw new ArgumentException($"unknown peer store command {command.GetType().Name}", nameof(command));
        }
    }

    private static void RequireText(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"{name} must not be empty", name);
    }
}
