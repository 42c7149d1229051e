using System.Collections.Concurrent;
using System.Diagnostics;
using ConnActors.Cluster.Tests.Harness;
using ConnActors.Cluster.Tests.Support;

namespace ConnActors.Cluster.Tests.Fleet;

/// <summary>
/// A silent allocator is suspected (docs/cluster.md, "A silent allocator is suspected"): the members leave an allocator
/// whose answers stop before the failure detector marks it unreachable, so the survivors' leases no longer depend on
/// how slow the detector is; and an allocator that is only silent for a while (alive) is left and taken back without
/// the site going over its budget or anyone being downed.
/// </summary>
public sealed partial class AllocatorHandoverSpecs
{
    // The product's lease timings (length and floor-length 6 s, suspect-silence 2 s) with a failure detector slower than
    // the lease: a heartbeat pause of 12 s marks a dead member unreachable after about 13.5 s, when the leases have lapsed.
    private const string SlowDetector =
        "connactors.cluster { site = home, site-budget = 120, floor = 16, load-interval = 300ms, heartbeat-pause = 12s }";

    // The detector is slower still (20 s) so that a silence of a few seconds is never seen by it; a suspicion lasts 10 s.
    private const string DeafDetector =
        "connactors.cluster { site = home, site-budget = 120, floor = 16, load-interval = 300ms, heartbeat-pause = 20s, share-lease { suspect-silence = 3s, suspect-hold = 10s } }";

    [Fact]
    public async Task The_allocator_killed_while_the_failure_detector_is_slower_than_the_lease_no_survivor_drops_below_its_share()
    {
        await using var fleet = await FleetNodes.StartAsync(ThreeMembers(SlowDetector));
        var all = fleet.Harness.Nodes.Select(n => n.Name).ToList();
        var before = await SettledAsync(fleet, all);
        string allocator = fleet.Oldest(all[0]);
        var survivors = all.Where(n => n != allocator).ToList();

        long killedAt = Stopwatch.GetTimestamp();
        var detected = DetectedAsync(fleet, survivors[0], allocator, killedAt);
        await fleet.KillAsync(allocator);
        await SharedAsync(fleet, survivors);
        var whole = Stopwatch.GetElapsedTime(killedAt);
        output.WriteLine(Measured.Line($"kill of the allocator ({allocator}) to the survivors holding the whole budget, detector at 12 s", whole));
        var detectedAfter = await detected;
        output.WriteLine(Measured.Line($"kill to {survivors[0]} seeing {allocator} unreachable", detectedAfter));
        // Otherwise the spec would show nothing about the detector being too slow for the lease.
        Assert.True(detectedAfter > TimeSpan.FromSeconds(6), $"the failure detector saw the kill after {detectedAfter.TotalSeconds:F1} s, within the lease's 6 s");

        long end = Stopwatch.GetTimestamp();
        foreach (var survivor in survivors)
        {
            var inForce = fleet.InForceEvery(survivor, killedAt, end, SampleEvery);
            output.WriteLine($"{survivor}: share {before[survivor]} before the kill, lowest in force after it {inForce.Min(s => s.Cap)}; suspected {(await fleet.ClusterAsync(survivor)).Counters.GetValueOrDefault("allocatorsSuspected")} allocator(s)");
            AssertKeptItsShare(fleet, survivor, before[survivor], killedAt, end);
        }
        fleet.AssertCapsNeverAbove(Budget);
    }

    /// <summary>
    /// The allocator is cut off from every member for 6 s and healed, all the while reachable to the failure detector:
    /// the members suspect it (once each), the next oldest allocates while it still believes it does, nobody is downed,
    /// the caps in force never add up to more than the budget, and once the suspicion has run out (its hold) every
    /// member holds a share again.
    /// </summary>
    [Fact]
    public async Task An_allocator_silent_for_a_while_is_suspected_and_taken_back_within_the_budget()
    {
        await using var fleet = await FleetNodes.StartAsync(ThreeMembers(DeafDetector) with { StableAfter = TimeSpan.FromSeconds(30) });
        var all = fleet.Harness.Nodes.Select(n => n.Name).ToList();
        await SharedAsync(fleet, all);
        string allocator = fleet.Oldest(all[0]);
        var others = all.Where(n => n != allocator).ToList();

        var unreachableSeen = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var watching = WatchReachabilityAsync(fleet, others, allocator, unreachableSeen, stop.Token);
        long cutAt = Stopwatch.GetTimestamp();
        await fleet.Harness.IsolateAsync(allocator);
        await Task.Delay(TimeSpan.FromSeconds(6));
        await fleet.Harness.HealAllAsync();
        // The suspicion lasts its hold (10 s) whatever the heal; then the members ask the old allocator again, which takes
        // over (a new epoch) and splits the budget between all three once more.
        await Task.Delay(TimeSpan.FromSeconds(10));
        // By the caps in force (the leases), not the grants the members' status shows: the old allocator's lease lapsed
        // while the members asked the next oldest, so its grant alone says nothing.
        await fleet.Harness.BarrierAsync($"{string.Join(", ", all)} hold the whole budget in force", _ =>
        {
            long now = Stopwatch.GetTimestamp();
            var inForce = all.ToDictionary(m => m, m => fleet.InForceEvery(m, now, now, SampleEvery)[0].Cap);
            return Task.FromResult(inForce.Values.All(c => c > 0) && inForce.Values.Sum() == Budget);
        }, Bound);
        output.WriteLine(Measured.Line($"cut of the allocator ({allocator}) for 6 s, healed, to every member holding a share after the suspicions' hold", Stopwatch.GetElapsedTime(cutAt)));
        await stop.CancelAsync();
        await watching;
        long end = Stopwatch.GetTimestamp();
        var inForce = fleet.InForceEvery(allocator, cutAt, end, SampleEvery);
        output.WriteLine($"{allocator} (the allocator left): lowest cap in force {inForce.Min(c => c.Cap)} at {inForce.MinBy(c => c.Cap).Seconds:F1} s after the cut, {fleet.InForceEvery(allocator, end, end, SampleEvery)[0].Cap} at the end");

        Assert.True(unreachableSeen.IsEmpty, $"the failure detector saw the allocator unreachable ({string.Join(", ", unreachableSeen.Distinct())}): the spec would not show suspicion by silence");
        foreach (var member in others)
        {
            long suspected = (await fleet.ClusterAsync(member)).Counters.GetValueOrDefault("allocatorsSuspected");
            output.WriteLine($"{member}: suspected {suspected} allocator(s)");
            Assert.True(suspected == 1, $"{member} suspected {suspected} times, expected once: the 6 s silence and nothing else");
        }
        Assert.All(fleet.Harness.Nodes, n => Assert.True(n.IsAlive, $"{n.Name} was downed"));
        fleet.AssertCapsNeverAbove(Budget, output.WriteLine);
    }

    private async Task<TimeSpan> DetectedAsync(FleetNodes fleet, string observer, string subject, long fromTicks)
    {
        await fleet.Harness.WaitForUnreachableAsync(observer, subject, Bound);
        return Stopwatch.GetElapsedTime(fromTicks);
    }

    private static async Task WatchReachabilityAsync(FleetNodes fleet, IReadOnlyList<string> observers, string subject, ConcurrentQueue<string> seen, CancellationToken stop)
    {
        var address = fleet.Harness[subject].Address;
        while (!stop.IsCancellationRequested)
        {
            foreach (var observer in observers.Where(o => fleet.Harness[o].Cluster.State.Unreachable.Any(u => u.Address == address)))
                seen.Enqueue(observer);
            try
            {
                await Task.Delay(SampleEvery, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private ClusterHarnessOptions ThreeMembers(string hocon) => new() { Nodes = Topology.GatewayAndTwoClusterNodes, Hocon = hocon, Log = output.WriteLine };
}
