using System.Diagnostics;
using ConnActors.Cluster.Tests.Harness;
using ConnActors.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ConnActors.Cluster.Tests.Fleet;

/// <summary>Partitions: the site budget holds on both sides, and the fleet heals either way.</summary>
public sealed class PartitionSpecs(ITestOutputHelper output)
{
    private const int Budget = 120;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private const string Site = "connactors.cluster { site = home, site-budget = 120, floor = 16, load-interval = 300ms }";

    [Fact]
    public async Task A_partition_resolved_by_the_resolver_leaves_the_majority_with_the_whole_budget_and_never_above_it()
    {
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions { Nodes = Topology.GatewayAndTwoClusterNodes, Hocon = Site, Log = output.WriteLine });
        await SharedAsync(fleet, ["gateway-1", "cluster-1", "cluster-2"]);

        var started = Stopwatch.StartNew();
        await fleet.Harness.IsolateAsync("cluster-2");
        await fleet.Harness.WaitForRemovedAsync("gateway-1", "cluster-2", Bound);
        await SharedAsync(fleet, ["gateway-1", "cluster-1"]);
        output.WriteLine(Measured.Line("partition to the majority holding the whole budget", started.Elapsed));

        fleet.AssertCapsNeverAbove(Budget);
    }

    [Fact]
    public async Task A_partition_healed_before_the_resolver_acts_downs_nobody_and_the_shares_come_back()
    {
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            Hocon = Site,
            StableAfter = TimeSpan.FromSeconds(15),
            Log = output.WriteLine,
        });
        await SharedAsync(fleet, ["gateway-1", "cluster-1", "cluster-2"]);

        await fleet.Harness.IsolateAsync("cluster-2");
        await fleet.Harness.WaitForUnreachableAsync("gateway-1", "cluster-2", Bound);
        await fleet.Harness.HealAllAsync();
        await fleet.Harness.WaitForReachableAsync("gateway-1", "cluster-2", Bound);

        await SharedAsync(fleet, ["gateway-1", "cluster-1", "cluster-2"]);
        Assert.All(fleet.Harness.Nodes, n => Assert.True(n.IsAlive, $"{n.Name} was downed"));
        fleet.AssertCapsNeverAbove(Budget);
    }

    /// <summary>
    /// The case the share's lease exists for: the member cut off is starved (its Negotiator and its ConnectionManager
    /// run nothing from just before the cut), so it never sees the cut and never lets go of its share itself, and its
    /// own side's resolver waits two minutes. The majority takes its share once its lease has lapsed; the caps in force
    /// (each member's grant while its lease is valid, the floor after, then nothing: what its admission enforces
    /// whenever it next runs) never add up to more than the budget. Before the lease, the majority took the share
    /// once the resolver downed the member, whatever the member still held.
    /// </summary>
    [Fact]
    public async Task A_starved_member_cut_off_loses_its_share_by_its_lease_and_the_budget_holds_throughout()
    {
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = [NodeSpec.Gateway(1), NodeSpec.Cluster(1), NodeSpec.Cluster(2, "connactors.cluster.stable-after = 120s")],
            Hocon = Site,
            Log = output.WriteLine,
        });
        await SharedAsync(fleet, ["gateway-1", "cluster-1", "cluster-2"]);

        var starved = fleet["cluster-2"];
        Starve.Suspend(starved.Negotiator!);
        Starve.Suspend(starved.Manager);
        var started = Stopwatch.StartNew();
        await fleet.Harness.IsolateAsync("cluster-2");
        await SharedAsync(fleet, ["gateway-1", "cluster-1"], live: ["gateway-1", "cluster-1"]);
        output.WriteLine(Measured.Line("cut (member starved) to the majority holding the whole budget", started.Elapsed));

        fleet.AssertCapsNeverAbove(Budget, output.WriteLine);

        // Once it runs again, the starved member's admission enforces the lapsed lease: it holds no share.
        Starve.Resume(starved.Manager);
        await fleet.Harness.BarrierAsync("the starved member, running again, holds no share", async _ => (await fleet.StatusAsync("cluster-2")).Counts.HardCap == 0, Bound);
    }

    private static Task SharedAsync(FleetNodes fleet, IReadOnlyList<string> members, IReadOnlyList<string> live) =>
        fleet.Harness.BarrierAsync($"{string.Join(", ", members)} share the whole budget", async _ =>
        {
            var caps = new Dictionary<string, int>();
            foreach (var name in live) caps[name] = (await fleet.StatusAsync(name)).Counts.HardCap;
            return members.All(m => caps.TryGetValue(m, out int cap) && cap > 0) && members.Sum(m => caps[m]) == Budget;
        }, Bound);

    private static Task SharedAsync(FleetNodes fleet, IReadOnlyList<string> members) =>
        fleet.Harness.BarrierAsync($"{string.Join(", ", members)} share the whole budget", async _ =>
        {
            var caps = await fleet.CapsAsync();
            return members.All(m => caps.TryGetValue(m, out int cap) && cap > 0) && members.Sum(m => caps[m]) == Budget;
        }, Bound);
}
