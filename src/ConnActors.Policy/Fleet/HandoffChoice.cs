namespace ConnActors.Policy.Fleet;

/// <summary>A member that may take handed-off peers: its room for them (<see cref="HandoffChoice.Room"/>), and the subsystems it has free slots in.</summary>
public sealed record HandoffCandidate(string Member, int Headroom, IReadOnlyCollection<string> OpenSubsystems);

/// <summary>
/// Whether a trimmed peer is handed to another member, and to which. A peer another member holds is not handed
/// off: it stays in the fleet through that member, and a third connection would only cost a trim there. A member
/// takes handed-off peers only into its room below low water (<see cref="Room"/>), so that a handed-off peer does
/// not start the target's next trim (where, dialled and idle, it scores lowest and is trimmed again within
/// seconds). A peer held here for a subsystem (pubsub, app, dht) goes to a member with a free slot in one of
/// those subsystems, so that it is wanted there for the same reason; a peer held for none goes to any member with
/// room. Of those, the one with the most room, then the lowest name. docs/simulator.md measures each rule.
/// </summary>
public static class HandoffChoice
{
    /// <summary>Offers a member takes and dials at once; more are refused until one ends (each holds a timer and a dial).</summary>
    public const int MaxPendingOffers = 256;

    /// <summary>Addresses of an offered peer tried at most (as many as a Kad peer entry may carry).</summary>
    public const int MaxOfferedAddresses = 32;

    /// <summary>Whether an offer may be taken with <paramref name="pending"/> taken and dialing (one for the same peer replaces it).</summary>
    public static bool MayTakeOffer(int pending, bool samePeerPending) => samePeerPending || pending < MaxPendingOffers;

    /// <summary>
    /// The room a member has for handed-off peers: below its low water (and its hard cap), after its open
    /// connections and those pending (dials and handshakes in flight, handed-off peers among them); never negative.
    /// </summary>
    public static int Room(int hardCap, int lowWater, int connections, int pending) =>
        (int)Math.Clamp((long)Math.Min(hardCap, lowWater) - connections - pending, 0, int.MaxValue);

    /// <summary>
    /// The member to hand a peer with <paramref name="connections"/> connections to, held here for
    /// <paramref name="peerSubsystems"/>; null when <paramref name="heldByAnotherMember"/> or when none fits.
    /// </summary>
    public static HandoffCandidate? Pick(IReadOnlyList<HandoffCandidate> candidates, IReadOnlyCollection<string> peerSubsystems, int connections, bool heldByAnotherMember)
    {
        if (heldByAnotherMember) return null;
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
