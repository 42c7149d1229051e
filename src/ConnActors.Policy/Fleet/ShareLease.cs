namespace ConnActors.Policy.Fleet;

/// <summary>
/// How long a share of a site budget stays valid without a renewal (docs/cluster.md, "The share is a lease").
/// <paramref name="LengthMs"/>: the whole share; <paramref name="FloorLengthMs"/>: the part up to the member's floor,
/// which lasts longer so that a member keeps its floor while the allocator changes hands;
/// <paramref name="MarginMs"/>: what the allocator adds before it takes a share back, for the members' and its own
/// clocks running at different rates (the margin covers a rate difference of up to <see cref="DriftCovered"/>).
/// </summary>
public sealed record ShareLeaseTimings(long LengthMs, long FloorLengthMs, long MarginMs)
{
    /// <summary>The defaults of reference.conf: 4 s, 15 s, 500 ms.</summary>
    public static ShareLeaseTimings Default { get; } = new(4_000, 15_000, 500);

    /// <summary>The relative clock-rate difference the margin absorbs over the longest lease.</summary>
    public double DriftCovered => (double)MarginMs / FloorLengthMs;

    /// <summary>
    /// Why these timings cannot work, as the setting at fault and the reason (null when they can work).
    /// <paramref name="name"/> renders a setting's name (length, floor-length, margin, renew-interval) for the reason.
    /// </summary>
    public static (string Setting, string Reason)? Invalid(long lengthMs, long floorLengthMs, long marginMs, long renewIntervalMs, Func<string, string> name)
    {
        foreach (var (setting, value) in new[] { ("length", lengthMs), ("floor-length", floorLengthMs), ("margin", marginMs), ("renew-interval", renewIntervalMs) })
        {
            if (value <= 0) return (setting, "must be positive");
        }
        if (floorLengthMs < lengthMs) return ("floor-length", $"must be at least {name("length")} ({lengthMs} ms), was {floorLengthMs} ms");
        if (renewIntervalMs * 2 > lengthMs)
            return ("renew-interval", $"must be at most half of {name("length")} ({lengthMs} ms), or one lost renewal lapses the lease; was {renewIntervalMs} ms");
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
    public static int EffectiveCap(int grant, int floor, long leaseFromMs, long nowMs, ShareLeaseTimings timings)
    {
        if (nowMs < leaseFromMs + timings.LengthMs) return grant;
        return nowMs < leaseFromMs + timings.FloorLengthMs ? Math.Min(grant, floor) : 0;
    }

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
/// When an allocator may act on leases at all. It renews leases and grows shares only while a majority of the members
/// have echoed one of its own renewal stamps within a lease length (its clock): a renewal it sent recently reached
/// them and they answered since. An allocator cut off from the majority therefore stops within a lease length, however
/// late its actors run (a backlog of old requests only carries old stamps), and one that takes over can bound the
/// leases its predecessor may still have granted (<see cref="PredecessorAnsweredBy"/>).
/// </summary>
public static class LeaseQuorum
{
    /// <summary>True when more than half of <paramref name="members"/> echoed a stamp of this allocator within the lease length.</summary>
    public static bool Quorate(IEnumerable<long> echoesMs, int members, long nowMs, ShareLeaseTimings timings) =>
        members > 0 && echoesMs.Count(e => nowMs < e + timings.LengthMs) * 2 > members;

    /// <summary>
    /// The latest moment (this allocator's clock) a predecessor may have renewed any lease, from when the members that
    /// have asked this allocator last received a renewal from another one (<paramref name="lastOtherRenewalsMs"/>, each
    /// estimated no earlier than it was): the predecessor needed a majority's fresh echoes to renew, and every majority
    /// holds one of them once they are a majority of <paramref name="members"/>. Null while they are not: unknown.
    /// </summary>
    public static long? PredecessorAnsweredBy(IReadOnlyCollection<long> lastOtherRenewalsMs, int members, ShareLeaseTimings timings)
    {
        if (lastOtherRenewalsMs.Count * 2 <= members) return null;
        return lastOtherRenewalsMs.Max() + timings.LengthMs;
    }
}
