using System.Diagnostics;
using ConnActors.Cluster.Tests.Harness;
using ConnActors.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ConnActors.Cluster.Tests;

public sealed class HarnessCrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Added to what the configuration implies, for a loaded 2-core machine.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_killed_member_is_found_unreachable_and_removed_by_the_survivors()
    {
        await using var harness = await ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            StableAfter = TimeSpan.FromSeconds(4),
            Log = output.WriteLine,
        });

        var downingBound = harness.DowningTime + Slack;
        var clock = Stopwatch.StartNew();
        await harness.KillAsync("cluster-1");
        Assert.False(harness["cluster-1"].IsAlive);

        await harness.WaitForUnreachableByAllAsync("cluster-1", downingBound);
        var unreachable = clock.Elapsed;
        await harness.WaitForRemovedByAllAsync("cluster-1", downingBound - clock.Elapsed);
        var removed = clock.Elapsed;
        await harness.WaitConvergedAsync(Bound, ["gateway-1", "cluster-2"]);

        output.WriteLine(Measured.Line("kill to unreachable (both survivors)", unreachable));
        output.WriteLine(Measured.Line("kill to removal (both survivors)", removed) + $"; the configuration implies {harness.DowningTime.TotalSeconds:0.0} s to the decision");
    }
}
