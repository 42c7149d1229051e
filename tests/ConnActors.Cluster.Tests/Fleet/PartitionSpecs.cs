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

        var (max, at) = fleet.MaxSumOfCaps();
        Assert.True(max <= Budget, $"the hard caps added up to {max} > {Budget} at {at}");
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
        var (max, at) = fleet.MaxSumOfCaps();
        Assert.True(max <= Budget, $"the hard caps added up to {max} > {Budget} at {at}");
    }

    private static Task SharedAsync(FleetNodes fleet, IReadOnlyList<string> members) =>
        fleet.Harness.BarrierAsync($"{string.Join(", ", members)} share the whole budget", async _ =>
        {
            var caps = await fleet.CapsAsync();
            return members.All(m => caps.TryGetValue(m, out int cap) && cap > 0) && members.Sum(m => caps[m]) == Budget;
        }, Bound);
}
