namespace ConnActors.Policy.Fleet;

/// <summary>
/// How long a share of a site budget stays valid without a renewal (docs/cluster.md, "The share is a lease").
/// <paramref name="LengthMs"/>: the whole share; <paramref name="FloorLengthMs"/>: the part up to the member's floor,
/// which lasts longer so that a member keeps its floor while the allocator changes hands;
/// <paramref name="MarginMs"/>: what the allocator adds before it takes a share back, for the members' and its own
/// clocks running at different rates (the margin covers a rate difference of up to <see cref="DriftCovered"/>);
/// <paramref name="QuorumWindowMs"/>: an allocator acts (renews, grows) only while a majority echoed one of its stamps
/// within this window, so it stops acting at most this long after it last reached a majority (<see cref="LeaseQuorum"/>).
/// </summary>
public sealed record ShareLeaseTimings(long LengthMs, long FloorLengthMs, long MarginMs, long QuorumWindowMs)
{
    /// <summary>The defaults of reference.conf: 6 s, 6 s, 500 ms, quorum window 2 s.</summary>
    public static ShareLeaseTimings Default { get; } = new(6_000, 6_000, 500, 2_000);

    /// <summary>The relative clock-rate difference the margin absorbs over the longest lease.</summary>
    public double DriftCovered => (double)MarginMs / FloorLengthMs;

    /// <summary>
    /// Why these timings cannot work, as the setting at fault and the reason (null when they can work).
    /// <paramref name="name"/> renders a setting's name (length, floor-length, margin, renew-interval, quorum-window) for the reason.
    /// </summary>
    public static (string Setting, string Reason)? Invalid(long lengthMs, long floorLengthMs, long marginMs, long renewIntervalMs, long quorumWindowMs, Func<string, string> name)
    {
        foreach (var (setting, value) in new[] { ("length", lengthMs), ("floor-length", floorLengthMs), ("margin", marginMs), ("renew-interval", renewIntervalMs), ("quorum-window", quorumWindowMs) })
        {
            if (value <= 0) return (setting, "must be positive");
        }
        if (floorLengthMs < lengthMs) return ("floor-length", $"must be at least {name("length")} ({lengthMs} ms), was {floorLengthMs} ms");
        if (renewIntervalMs * 2 > lengthMs)
            return ("renew-interval", $"must be at most half of {name("length")} ({lengthMs} ms), or one lost renewal lapses the lease; was {renewIntervalMs} ms");
        if (quorumWindowMs <= renewIntervalMs)
            return ("quorum-window", $"must be more than {name("renew-interval")} ({renewIntervalMs} ms), or an allocator loses its quorum between two requests; was {quorumWindowMs} ms");
        if (quorumWindowMs > lengthMs)
            return ("quorum-window", $"must be at most {name("length")} ({lengthMs} ms): a successor bounds its predecessor's last renewal by it; was {quorumWindowMs} ms");
        if (marginMs * 200 < floorLengthMs)
            return ("margin", $"must be at least 0.5% of {name("floor-length")} ({floorLengthMs} ms) to absorb clock-rate drift; was {marginMs} ms");
        return null;
    }
}

/// <summary>
/// A member's share of a site budget is a lease. The member times it on its own monotonic clock from the moment it
/// SENT the request the renewal answers (not from when the renewal arrived: a renewal delayed in the network then
/// cannot stretch it), so the allocator, which answered the request after it was sent, bounds the member's expiry
/// from the moment it answered. The cap in force is a pure function of the grant, the lease and now, evaluated
/// where it is enforced: when the lease lapses the cap falls with no actor having to run on time.
/// </summary>
public static class ShareLease
{
    /// <summary>
    /// The cap in force at <paramref name="nowMs"/> for a member granted <paramref name="grant"/> whose lease was last
    /// renewed by an answer to its request of <paramref name="leaseFromMs"/> (the member's clock): the grant until the
    /// lease's length, then at most the floor until the floor's length, then nothing.
    /// </summary>
    public static int EffectiveCap(int grant, int floor, long leaseFromMs, long nowMs, ShareLeaseTimings timings) =>
        InForce(grant, floor, nowMs, leaseFromMs + timings.LengthMs, leaseFromMs + timings.FloorLengthMs);

    /// <summary>
    /// The cap in force at <paramref name="now"/> of a grant valid until <paramref name="grantUntil"/> whose floor is valid
    /// until <paramref name="floorUntil"/> (any one clock and unit): the grant, then at most the floor, then nothing.
    /// </summary>
    public static int InForce(int grant, int floor, long now, long grantUntil, long floorUntil)
    {
        if (now < grantUntil) return grant;
        return now < floorUntil ? Math.Min(grant, floor) : 0;
    }

    /// <summary>
    /// How long a member waits before it echoes a probe (0: at once). An allocator that may not act yet answers every
    /// request with a probe, so echoing each at once would ping-pong at network speed (590 messages a second per member
    /// in a hand-over): at most one echo per quarter <paramref name="renewIntervalMs"/> since <paramref name="lastEchoMs"/>.
    /// </summary>
    public static long ProbeEchoWaitMs(long lastEchoMs, long nowMs, long renewIntervalMs) =>
        Math.Max(0, lastEchoMs + Math.Max(1, renewIntervalMs / 4) - nowMs);

    /// <summary>
    /// The most a member may still hold, as the allocator (or whoever re-splits) sees it at <paramref name="nowMs"/>
    /// (its clock), having granted it at most <paramref name="granted"/> and last answered its lease request at
    /// <paramref name="lastAnsweredMs"/>: the member's own lease ends no later, given the margin.
    /// </summary>
    public static int HeldAtMost(int granted, int floor, long lastAnsweredMs, long nowMs, ShareLeaseTimings timings)
    {
        if (nowMs < lastAnsweredMs + timings.LengthMs + timings.MarginMs) return granted;
        return nowMs < lastAnsweredMs + timings.FloorLengthMs + timings.MarginMs ? Math.Min(granted, floor) : 0;
    }

    /// <summary>When <see cref="HeldAtMost"/> next falls (the allocator's clock), or null when it is 0 already.</summary>
    public static long? NextLapse(int granted, int floor, long lastAnsweredMs, long nowMs, ShareLeaseTimings timings)
    {
        long whole = lastAnsweredMs + timings.LengthMs + timings.MarginMs;
        if (nowMs < whole && granted > Math.Min(granted, floor)) return whole;
        long rest = lastAnsweredMs + timings.FloorLengthMs + timings.MarginMs;
        return nowMs < rest && Math.Min(granted, floor) > 0 ? rest : null;
    }

    /// <summary>Whether the allocator has heard from the member recently enough that its whole grant is still valid.</summary>
    public static bool Live(long lastAnsweredMs, long nowMs, ShareLeaseTimings timings) =>
        nowMs < lastAnsweredMs + timings.LengthMs + timings.MarginMs;

    /// <summary>The member's lease after an answer to its request of <paramref name="requestedAtMs"/>: a late answer to an older request never shortens it.</summary>
    public static long Renewed(long leaseFromMs, long requestedAtMs) => Math.Max(leaseFromMs, requestedAtMs);

    /// <summary>
    /// The grant after a renewal that bounds it by <paramref name="bound"/>: what the allocator still reserves for the
    /// member. A member whose lease lapsed while the allocator gave its share to others comes back with what is left,
    /// not with its old grant.
    /// </summary>
    public static int Bounded(int grant, int bound) => Math.Min(grant, Math.Max(0, bound));
}

/// <summary>
/// When an allocator may act on leases at all. It renews leases and grows shares only while a quorum of the members
/// have echoed one of its own stamps within the quorum window (its clock): a stamp it sent recently reached them and
/// they answered since. An allocator cut off from the quorum therefore stops within the window, however late its
/// actors run (a backlog of old requests only carries old stamps), and any other allocator can bound when it last
/// acted (<see cref="OthersActedBy"/>). A quorum is a majority, or exactly half of the members when that half holds the
/// tie-breaker (the member with the lowest address, the side the keep-majority resolver keeps on a tie): any two
/// quorums still share a member, and the survivor of a site of two that holds the tie-breaker keeps its share.
/// </summary>
public static class LeaseQuorum
{
    /// <summary>Whether <paramref name="count"/> of <paramref name="members"/>, holding the tie-breaker or not, are a quorum.</summary>
    public static bool IsQuorum(int count, bool holdsTieBreaker, int members) =>
        members > 0 && (count * 2 > members || (count * 2 == members && holdsTieBreaker));

    /// <summary>
    /// True when a quorum of <paramref name="members"/> echoed a stamp of this allocator within the quorum window;
    /// <paramref name="tieBreakerEchoMs"/> is the tie-breaker's echo (null: it has none or is unknown).
    /// </summary>
    public static bool Quorate(IEnumerable<long> echoesMs, int members, long nowMs, ShareLeaseTimings timings, long? tieBreakerEchoMs = null) =>
        IsQuorum(echoesMs.Count(e => nowMs < e + timings.QuorumWindowMs), tieBreakerEchoMs is { } tie && nowMs < tie + timings.QuorumWindowMs, members);

    /// <summary>
    /// The latest moment (this allocator's clock) another allocator may have acted, from when the members that asked
    /// this one last heard from another (<paramref name="lastOtherContactsMs"/>, each estimated no earlier than it was;
    /// never: a very small value): the other needed a quorum's echoes within the window to act, and every quorum
    /// holds one of these members once they are a quorum of <paramref name="members"/> (<paramref name="holdsTieBreaker"/>:
    /// the tie-breaker is among them); a member that echoed the other after it last asked this one reports it in its
    /// next request. Null while they are not a quorum: unknown.
    /// </summary>
    public static long? OthersActedBy(IReadOnlyCollection<long> lastOtherContactsMs, int members, ShareLeaseTimings timings, bool holdsTieBreaker = false)
    {
        if (!IsQuorum(lastOtherContactsMs.Count, holdsTieBreaker, members)) return null;
        return lastOtherContactsMs.Max() + timings.QuorumWindowMs;
    }
}
