namespace ConnActors.Policy.Fleet;

/// <summary>A member that may take handed-off peers: its room below high water, and the subsystems it has free slots in.</summary>
public sealed record HandoffCandidate(string Member, int Headroom, IReadOnlyCollection<string> OpenSubsystems);

/// <summary>
/// Which member a trimmed peer is handed to. A peer held here for a subsystem (pubsub, app, dht) goes to a member
/// with a free slot in one of those subsystems, so that it is wanted there for the same reason; a peer held for
/// none goes to any member with room. Of those, the one with the most room, then the lowest name.
/// </summary>
public static class HandoffChoice
{
    /// <summary>The member to hand a peer with <paramref name="connections"/> connections to, held here for <paramref name="peerSubsystems"/>; null when none fits.</summary>
    public static HandoffCandidate? Pick(IReadOnlyList<HandoffCandidate> candidates, IReadOnlyCollection<string> peerSubsystems, int connections)
    {
        HandoffCandidate? best = null;
        foreach (var candidate in candidates)
        {
            if (!FleetDedup.HasRoomFor(candidate.Headroom, connections)) continue;
            if (peerSubsystems.Count > 0 && !peerSubsystems.Any(candidate.OpenSubsystems.Contains)) continue;
            if (best is null || candidate.Headroom > best.Headroom
                || candidate.Headroom == best.Headroom && string.CompareOrdinal(candidate.Member, best.Member) < 0)
                best = candidate;
        }
        return best;
    }
}
