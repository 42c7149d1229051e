using ConnActors.Policy.Fleet;
using CsCheck;
using Xunit.Abstractions;

namespace ConnActors.Policy.Tests.Fleet;

public class ShareLeaseTests(ITestOutputHelper output)
{
    private static readonly ShareLeaseTimings Timings = new(LengthMs: 4_000, FloorLengthMs: 15_000, MarginMs: 500, QuorumWindowMs: 2_000);

    [Fact]
    public void The_cap_in_force_is_the_grant_then_the_floor_then_nothing()
    {
        Assert.Equal(60, ShareLease.EffectiveCap(60, 16, leaseFromMs: 1_000, nowMs: 4_999, Timings));
        Assert.Equal(16, ShareLease.EffectiveCap(60, 16, 1_000, 5_000, Timings));
        Assert.Equal(16, ShareLease.EffectiveCap(60, 16, 1_000, 15_999, Timings));
        Assert.Equal(0, ShareLease.EffectiveCap(60, 16, 1_000, 16_000, Timings));
        Assert.Equal(10, ShareLease.EffectiveCap(10, 16, 1_000, 6_000, Timings)); // a grant below the floor is kept as it is
    }

    [Fact]
    public void The_allocator_counts_a_share_held_until_the_lease_and_the_margin_have_passed_on_its_clock()
    {
        Assert.Equal(60, ShareLease.HeldAtMost(60, 16, lastAnsweredMs: 1_000, nowMs: 5_499, Timings));
        Assert.Equal(16, ShareLease.HeldAtMost(60, 16, 1_000, 5_500, Timings));
        Assert.Equal(0, ShareLease.HeldAtMost(60, 16, 1_000, 16_500, Timings));
        Assert.Equal(5_500, ShareLease.NextLapse(60, 16, 1_000, 2_000, Timings));
        Assert.Equal(16_500, ShareLease.NextLapse(60, 16, 1_000, 5_500, Timings));
        Assert.Null(ShareLease.NextLapse(60, 16, 1_000, 16_500, Timings));
        Assert.True(ShareLease.Live(1_000, 5_499, Timings));
        Assert.False(ShareLease.Live(1_000, 5_500, Timings));
    }

    [Fact]
    public void A_renewal_never_shortens_the_lease_nor_raises_the_grant()
    {
        Assert.Equal(9_000, ShareLease.Renewed(9_000, requestedAtMs: 7_000));
        Assert.Equal(9_500, ShareLease.Renewed(9_000, 9_500));
        Assert.Equal(16, ShareLease.Bounded(60, 16));
        Assert.Equal(40, ShareLease.Bounded(40, 60));
        Assert.Equal(0, ShareLease.Bounded(40, -3));
    }

    [Fact]
    public void Timings_that_cannot_work_are_refused_naming_the_setting_at_fault_and_the_other_one()
    {
        static (string Setting, string Reason)? Check(long length, long floor, long margin, long renew, long window = 2_000) => ShareLeaseTimings.Invalid(length, floor, margin, renew, window, n => $"<{n}>");
        Assert.Null(Check(4_000, 15_000, 500, 1_000));
        Assert.Equal("floor-length", Check(4_000, 3_000, 500, 1_000)!.Value.Setting);
        Assert.Contains("<length>", Check(4_000, 3_000, 500, 1_000)!.Value.Reason);
        Assert.Equal("renew-interval", Check(4_000, 15_000, 500, 2_500)!.Value.Setting);
        Assert.Equal("margin", Check(4_000, 15_000, 10, 1_000)!.Value.Setting);
        Assert.Contains("<floor-length>", Check(4_000, 15_000, 10, 1_000)!.Value.Reason);
        Assert.Equal(("length", "must be positive"), Check(0, 15_000, 500, 1_000));
        Assert.Equal("quorum-window", Check(4_000, 15_000, 500, 1_000, window: 1_000)!.Value.Setting);
        Assert.Contains("<renew-interval>", Check(4_000, 15_000, 500, 1_000, window: 1_000)!.Value.Reason);
        Assert.Equal("quorum-window", Check(4_000, 15_000, 500, 1_000, window: 4_001)!.Value.Setting);
        Assert.Contains("<length>", Check(4_000, 15_000, 500, 1_000, window: 4_001)!.Value.Reason);
    }

    /// <summary>
    /// The invariant the lease exists for, with several allocators (<see cref="LeaseSite"/>): members ask whichever
    /// allocator their randomly wrong, flapping views elect, less the ones they suspect of silence (<see cref="AllocatorWatch"/>,
    /// with any silence and hold, even ones the configuration would refuse); the old allocator stays alive but cut off,
    /// stalls or is killed, messages are delayed and lost, members stall and crash, clocks drift within the margin. After
    /// every event the caps in force add up to at most the budget. Across the runs, allocators must have handed over (a
    /// member grew by one allocator after another had grown one), members must have suspected allocators, and suspected
    /// ones that were alive (stalled or only late), or the property says nothing about the hand-over or the suspicion.
    /// </summary>
    [Fact]
    public void The_caps_in_force_never_add_up_to_more_than_the_budget_whatever_the_allocators_delays_stalls_and_crashes()
    {
        // A floor's lease as long as the whole share (the defaults since 30 Nov) is drawn a third of the time.
        var timings = Gen.Select(Gen.Int[200, 5_000], Gen.OneOf(Gen.Const(0), Gen.Int[0, 10_000], Gen.Int[0, 10_000]), Gen.Int[10, 1_000], Gen.Int[10, 100])
            .Select((length, extra, margin, window) => new ShareLeaseTimings(length, length + extra, margin + (length + extra) / 200, Math.Max(100, length * window / 100)));
        // The members ask every tick (a third of the quorum window): the silence spans 1 to 10 ticks, the hold 1 to 5 lengths.
        var silence = Gen.Select(Gen.Int[101, 1_000], Gen.Int[100, 500]);
        AssertBudgetHolds(Gen.Select(timings, silence, (t, s) =>
        {
            long tick = Math.Max(1, t.QuorumWindowMs / 3);
            return (t, new AllocatorSilenceTimings(tick * s.Item1 / 100, t.LengthMs * s.Item2 / 100, tick));
        }));
    }

    /// <summary>
    /// The same property at the product's defaults (reference.conf: length and floor-length 6 s, margin 500 ms, quorum
    /// window 2 s, suspect-silence 2 s, hold 30 s), the members asking every tick of the site (a third of the quorum
    /// window) as they ask every renew-interval.
    /// </summary>
    [Fact]
    public void At_the_default_timings_the_caps_in_force_never_add_up_to_more_than_the_budget()
    {
        var t = ShareLeaseTimings.Default;
        var d = AllocatorSilenceTimings.Default;
        AssertBudgetHolds(Gen.Const((t, new AllocatorSilenceTimings(d.SuspectAfterMs, d.HoldMs, Math.Max(1, t.QuorumWindowMs / 3)))));
    }

    // The property above with the lease and silence timings drawn from timings (one site run per sample).
    private void AssertBudgetHolds(Gen<(ShareLeaseTimings Lease, AllocatorSilenceTimings Silence)> timings)
    {
        var step = Gen.Select(Gen.Int[0, 15], Gen.Int[0, LeaseSite.Members - 1], Gen.Int[0, 20_000], Gen.Int[0, 200]);
        int handedOver = 0, suspected = 0, falselySuspected = 0, runs = 0;
        Gen.Select(timings, Gen.Int[20, 300], Gen.Int[0, 1_000_000].Array[LeaseSite.Members + LeaseSite.Allocators], step.Array[1, 300], Gen.Int, Gen.Bool)
            .Sample((t, budget, rates, steps, seed, calm) =>
            {
                var site = new LeaseSite(t.Lease, t.Silence, budget, rates, seed, calm);
                site.Run(steps);
                Interlocked.Increment(ref runs);
                if (site.Reached.HandedOverGrows > 0) Interlocked.Increment(ref handedOver);
                if (site.Reached.Suspicions > 0) Interlocked.Increment(ref suspected);
                if (site.Reached.FalseSuspicions > 0) Interlocked.Increment(ref falselySuspected);
            }, iter: Iterations);
        output.WriteLine($"{runs} runs: {handedOver} handed over, {suspected} suspected an allocator of silence, {falselySuspected} one that was alive and not cut off");
        Assert.True(handedOver * 10 >= runs, $"only {handedOver} of {runs} runs handed over between allocators ");
        Assert.True(suspected * 10 >= runs, $"only {suspected} of {runs} runs suspected an allocator of silence");
        Assert.True(falselySuspected * 20 >= runs, $"only {falselySuspected} of {runs} runs suspected an allocator that was alive and not cut off");
    }

    private const int Iterations = 3_000;
}

public class ProbeEchoTests
{
    [Fact]
    public void A_probe_is_echoed_at_once_at_most_once_per_quarter_renew_interval()
    {
        Assert.Equal(0, ShareLease.ProbeEchoWaitMs(lastEchoMs: long.MinValue / 4, nowMs: 10_000, renewIntervalMs: 1_000));
        Assert.Equal(150, ShareLease.ProbeEchoWaitMs(lastEchoMs: 9_900, nowMs: 10_000, renewIntervalMs: 1_000));
        Assert.Equal(0, ShareLease.ProbeEchoWaitMs(lastEchoMs: 9_750, nowMs: 10_000, renewIntervalMs: 1_000));
        Assert.Equal(1, ShareLease.ProbeEchoWaitMs(lastEchoMs: 10_000, nowMs: 10_000, renewIntervalMs: 2)); // never less than 1 ms apart
    }

    [Fact]
    public void The_cap_in_force_is_the_grant_then_at_most_the_floor_then_nothing()
    {
        Assert.Equal(100, ShareLease.InForce(100, 16, now: 5, grantUntil: 10, floorUntil: 20));
        Assert.Equal(16, ShareLease.InForce(100, 16, now: 10, grantUntil: 10, floorUntil: 20));
        Assert.Equal(8, ShareLease.InForce(8, 16, now: 15, grantUntil: 10, floorUntil: 20));
        Assert.Equal(0, ShareLease.InForce(100, 16, now: 20, grantUntil: 10, floorUntil: 20));
    }
}

public class LeaseQuorumTests
{
    private static readonly ShareLeaseTimings Timings = new(4_000, 15_000, 500, QuorumWindowMs: 2_000);

    [Fact]
    public void An_allocator_is_quorate_only_while_a_majority_echoed_it_within_the_quorum_window()
    {
        Assert.True(LeaseQuorum.Quorate([9_000, 8_500], members: 3, nowMs: 10_000, Timings));
        Assert.False(LeaseQuorum.Quorate([9_000, 7_500], 3, 10_000, Timings)); // one echo is older than 2 s
        Assert.False(LeaseQuorum.Quorate([9_000, 9_500], 4, 10_000, Timings)); // half is not a majority
        Assert.False(LeaseQuorum.Quorate([], 0, 10_000, Timings));
    }

    [Fact]
    public void Exactly_half_of_the_members_are_a_quorum_only_when_they_hold_the_tie_breaker()
    {
        // A site of two: the survivor that holds the tie-breaker (lowest address) is quorate alone, the other is not.
        Assert.True(LeaseQuorum.Quorate([9_500], members: 2, nowMs: 10_000, Timings, tieBreakerEchoMs: 9_500));
        Assert.False(LeaseQuorum.Quorate([9_500], members: 2, nowMs: 10_000, Timings));
        Assert.False(LeaseQuorum.Quorate([9_500], members: 2, nowMs: 10_000, Timings, tieBreakerEchoMs: 7_000)); // its echo is stale
        Assert.True(LeaseQuorum.IsQuorum(2, holdsTieBreaker: true, members: 4));
        Assert.False(LeaseQuorum.IsQuorum(2, holdsTieBreaker: false, members: 4));
        Assert.False(LeaseQuorum.IsQuorum(1, holdsTieBreaker: true, members: 3));
        Assert.Equal(3_000, LeaseQuorum.OthersActedBy([1_000], members: 2, Timings, holdsTieBreaker: true));
        Assert.Null(LeaseQuorum.OthersActedBy([1_000], members: 2, Timings));
    }

    [Fact]
    public void Another_allocators_last_action_is_bounded_once_a_majority_said_when_it_last_heard_from_one()
    {
        Assert.Null(LeaseQuorum.OthersActedBy([1_000], members: 3, Timings));
        Assert.Equal(4_000, LeaseQuorum.OthersActedBy([1_000, 2_000], 3, Timings));
        Assert.Null(LeaseQuorum.OthersActedBy([1_000, 2_000], 4, Timings));
    }

    /// <summary>
    /// The quorum-intersection argument behind <see cref="LeaseQuorum.OthersActedBy"/>: whatever majority another
    /// allocator had fresh echoes from, it acted no later than the bound computed from any majority's last contacts with it.
    /// </summary>
    [Fact]
    public void No_quorate_allocator_acts_after_the_bound_another_computes()
    {
        Gen.Select(Gen.Int[1, 7], Gen.Long[0, 60_000].Array[7], Gen.Int[0, 127], Gen.Int[0, 127], Gen.Long[0, 80_000])
            .Sample((n, lastReceived, quorumMask, successorMask, actAt) =>
            {
                // lastReceived[m]: when member m last heard from the other allocator; an echo it sent is at most that.
                var quorum = Enumerable.Range(0, n).Where(m => (quorumMask >> m & 1) == 1).ToList();
                // Member 0 breaks ties (a quorum may be exactly half when it holds member 0).
                bool quorate = LeaseQuorum.Quorate(quorum.Select(m => lastReceived[m]), n, actAt, Timings, quorum.Contains(0) ? lastReceived[0] : null);
                var successors = Enumerable.Range(0, n).Where(m => (successorMask >> m & 1) == 1).Select(m => lastReceived[m]).ToList();
                if (!quorate || LeaseQuorum.OthersActedBy(successors, n, Timings, (successorMask & 1) == 1) is not { } bound) return true;
                return actAt <= bound;
            });
    }
}
