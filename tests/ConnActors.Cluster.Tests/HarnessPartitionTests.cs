using System.Diagnostics;
using Akka.Cluster;
using ConnActors.Cluster.Tests.Harness;
using ConnActors.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ConnActors.Cluster.Tests;

public sealed class HarnessPartitionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    /// <summary>Added to what the configuration implies, for a loaded 2-core machine.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(30);
    private static readonly string[] Majority = ["gateway-1", "cluster-1"];
    private static readonly string[] Minority = ["cluster-2"];

    [Fact]
    public async Task A_partition_makes_the_other_side_unreachable_and_the_resolver_downs_the_minority()
    {
        await using var harness = await ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            StableAfter = TimeSpan.FromSeconds(4),
            Log = output.WriteLine,
        });

        var downingBound = harness.DowningTime + Slack;
        var clock = Stopwatch.StartNew();
        await harness.PartitionAsync(Majority, Minority);

        await harness.WaitForUnreachableAsync("gateway-1", "cluster-2", downingBound);
        await harness.WaitForUnreachableAsync("cluster-2", "gateway-1", downingBound - clock.Elapsed);
        var unreachable = clock.Elapsed;

        // keep-majority: the majority downs cluster-2 and removes it; cluster-2 downs itself and stops.
        await harness.WaitForRemovedByAllAsync("cluster-2", downingBound - clock.Elapsed);
        var removed = clock.Elapsed;
        await harness.WaitForTerminatedAsync("cluster-2", downingBound - clock.Elapsed);
        var minorityStopped = clock.Elapsed;
        await harness.WaitConvergedAsync(Bound, Majority);

        output.WriteLine(Measured.Line("partition to unreachable (both sides)", unreachable));
        output.WriteLine(Measured.Line("partition to minority removed by the majority", removed) + $"; the configuration implies {harness.DowningTime.TotalSeconds:0.0} s to the decision");
        output.WriteLine(Measured.Line("partition to minority's ActorSystem stopped", minorityStopped));
        Assert.All(Majority, name => Assert.True(harness[name].IsAlive, $"{name} of the majority must survive"));
    }

    [Fact]
    public async Task Healing_a_partition_before_stable_after_restores_reachability_without_downing()
    {
        // stable-after long enough that healing as soon as both sides saw the partition is not a race.
        var stableAfter = TimeSpan.FromSeconds(10);
        await using var harness = await ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            StableAfter = stableAfter,
            Log = output.WriteLine,
        });

        await harness.IsolateAsync("cluster-2");
        await harness.WaitForUnreachableAsync("gateway-1", "cluster-2", Bound);
        await harness.WaitForUnreachableAsync("cluster-2", "gateway-1", Bound);
        var seenUnreachable = Stopwatch.StartNew();

        await harness.HealAllAsync();
        await harness.WaitConvergedAsync(Bound);
        output.WriteLine(Measured.Line("heal to converged (all reachable, all Up)", seenUnreachable.Elapsed));

        // Through the resolver's whole window after the last unreachability, and beyond: nobody is downed.
        var watchUntil = stableAfter + TimeSpan.FromSeconds(3);
        while (seenUnreachable.Elapsed < watchUntil)
        {
            foreach (var node in harness.Nodes)
            {
                Assert.True(node.IsAlive, $"{node.Name} stopped after the heal:{Environment.NewLine}{harness.DescribeCluster()}");
                Assert.DoesNotContain(node.Cluster.State.Members, m => m.Status is MemberStatus.Down or MemberStatus.Removed);
            }
            await Task.Delay(200);
        }
        await harness.WaitConvergedAsync(Bound);
    }

    [Fact]
    public async Task Throttling_without_the_adapter_is_refused_with_the_reason()
    {
        await using var harness = await ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndClusterNode,
            Hocon = "akka.remote.dot-netty.tcp.applied-adapters = []",
            Log = output.WriteLine,
        });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.PartitionAsync(["gateway-1"], ["cluster-1"]));
        Assert.Contains("trttl", refused.Message);
    }
}
