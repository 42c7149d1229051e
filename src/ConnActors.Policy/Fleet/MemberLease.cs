namespace ConnActors.Policy.Fleet;

/// <summary>
/// A member's side of its share's lease (docs/cluster.md, "The share is a lease"): the grant, the request its lease was
/// last renewed for (its own clock), and the allocator's epoch that renewal came from. A grow is taken only from the
/// allocator and epoch that last extended the lease: a grow sent in an earlier epoch (another allocator has renewed the
/// member since, or the same one after its records went stale) arrives to a member whose lease that allocator no longer
/// accounts for, and is refused. Shrinks are always taken; renewals never raise the grant.
/// </summary>
public sealed class MemberLease(int floor, ShareLeaseTimings timings)
{
    /// <summary>The share granted (in force while the lease is valid).</summary>
    public int Grant { get; private set; }

    /// <summary>This member's clock reading of the request its lease was last renewed for.</summary>
    public long LeaseFromMs { get; private set; } = long.MinValue / 4;

    /// <summary>The allocator and epoch that last extended the lease (null: none yet).</summary>
    public (string Allocator, long Epoch)? RenewedBy { get; private set; }

    /// <summary>The cap the lease allows at <paramref name="nowMs"/> (<see cref="ShareLease.EffectiveCap"/>).</summary>
    public int InForce(long nowMs) => ShareLease.EffectiveCap(Grant, floor, LeaseFromMs, nowMs, timings);

    /// <summary>The allocator renewed the request of <paramref name="requestedAtMs"/> in <paramref name="epoch"/>, reserving at most <paramref name="bound"/>.</summary>
    public void Renewed(string allocator, long epoch, long requestedAtMs, int bound)
    {
        if (requestedAtMs >= LeaseFromMs) RenewedBy = (allocator, epoch);
        LeaseFromMs = ShareLease.Renewed(LeaseFromMs, requestedAtMs);
        Grant = ShareLease.Bounded(Grant, bound);
    }

    /// <summary>Whether a grow from <paramref name="allocator"/> sent in <paramref name="epoch"/> is taken.</summary>
    public bool TakesGrowFrom(string allocator, long epoch) => RenewedBy is { } by && by.Allocator == allocator && by.Epoch == epoch;

    /// <summary>A grow to <paramref name="cap"/>; the caller checked <see cref="TakesGrowFrom"/>.</summary>
    public void Grow(int cap) => Grant = Math.Max(0, cap);

    /// <summary>A shrink: the grant becomes at most <paramref name="cap"/>; returns it.</summary>
    public int Shrink(int cap)
    {
        Grant = Math.Min(Grant, Math.Max(0, cap));
        return Grant;
    }
}
