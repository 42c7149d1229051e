using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Politeness;

/// <summary>
/// After this node trims a peer it does not dial that peer itself until the hold ends
/// (<see cref="ByeBackoffSettings.OwnTrimBackoffMs"/>): without it, its own lookups and mesh repairs redial
/// the peers it just trimmed within seconds, and behind a shared router every such dial and close holds a
/// table entry (docs/simulator.md, "Households behind one router"). A friend passes the hold, and so does a lookup's
/// query to a peer it needs among the closest to its key (no other peer can stand in for it: <c>dht.pass-hold-among-closest</c>);
/// otherwise lookups and mesh repairs pick other peers (a dial names no subsystem, so a reservation cannot ask past it).
/// </summary>
public static class OwnTrimHold
{
    /// <summary>
    /// The end of the hold for a trim at <paramref name="nowMs"/>: none (<paramref name="nowMs"/>) for a friend, with the
    /// hold off, or for a connection released because the burst (lookup) that opened it ended: that peer did nothing
    /// this node regrets, and the next lookup may well need it again.
    /// </summary>
    public static long Until(long nowMs, long backoffMs, bool friend, bool releasedAfterBurst = false) =>
        friend || releasedAfterBurst || backoffMs <= 0 ? nowMs : nowMs + backoffMs;

    /// <summary>
    /// Was a peer trimmed now last used by a burst that has ended (a finished lookup's query connection)? Yes when the
    /// trim is the burst's release (<see cref="TrimReason.FinishedBurst"/>), and whatever reason the trim records
    /// (a regulation round takes a lingering query connection as <see cref="TrimReason.Unassigned"/>) when the peer's
    /// last burst has finished, it is in no running burst and no subsystem has claimed it since. Such a trim holds no
    /// dials (<see cref="Until"/>): the peer did nothing this node regrets, and the next lookup may need it again.
    /// </summary>
    public static bool LastUseWasFinishedBurst(TrimReason reason, bool burstFinished, int runningBursts, bool claimed) =>
        reason == TrimReason.FinishedBurst || (burstFinished && runningBursts == 0 && !claimed);

    /// <summary>
    /// May this node dial a peer whose own-trim hold ends at <paramref name="holdUntilMs"/>? Yes once it has
    /// ended, for a <paramref name="friend"/>, or for a lookup's query to one of the closest to its key
    /// (<paramref name="closestForLookup"/>).
    /// </summary>
    public static bool MayDial(long holdUntilMs, long nowMs, bool friend, bool closestForLookup = false) =>
        holdUntilMs <= nowMs || friend || closestForLookup;

    /// <summary>How long the hold still lasts (0 when it does not hold the dial back).</summary>
    public static long RemainingMs(long holdUntilMs, long nowMs, bool friend, bool closestForLookup = false) =>
        MayDial(holdUntilMs, nowMs, friend, closestForLookup) ? 0 : holdUntilMs - nowMs;
}
