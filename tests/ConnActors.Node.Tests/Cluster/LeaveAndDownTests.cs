using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests.Cluster;

/// <summary>
/// Three node processes in one site: <c>connctl cluster leave</c> takes one out gracefully (it stops with exit code 0
/// and the others split the budget between them), then <c>connctl cluster down</c> downs another from the last one
/// (the downed node stops with exit code 1, the survivor takes the whole budget up to its own cap).
/// </summary>
public sealed class LeaveAndDownTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Leave_stops_the_node_with_0_and_down_stops_it_with_1_and_the_survivors_take_its_share()
    {
        await using var fleet = await NodeFleet.StartAsync(3);
        var (a, b, c) = (fleet.Nodes[0], fleet.Nodes[1], fleet.Nodes[2]);

        var leave = (await ConnctlProcess.RunAsync(["cluster", "leave", "--node", c.Url, "--data-dir", c.Directories.DataDir])).Expect(0);
        Assert.Contains($"{c.ClusterAddress} is leaving the cluster", leave.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, await c.Process.WaitForExitAsync(ExitTimeout));
        Assert.Contains("ClusterLeavingReason", c.Process.Stdout, StringComparison.Ordinal);
        await fleet.WaitForMembersAsync([a, b], 2);
        await fleet.WaitUntilAsync(async () => await a.HardCapAsync() + await b.HardCapAsync() == fleet.Budget, "a and b holding the whole budget", NodeFleet.FormTimeout);

        var down = (await ConnctlProcess.RunAsync(["cluster", "down", b.ClusterAddress, "--node", a.Url, "--data-dir", a.Directories.DataDir])).Expect(0);
        Assert.Contains($"{b.ClusterAddress} marked down", down.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, await b.Process.WaitForExitAsync(ExitTimeout));
        Assert.Contains("this node was downed by its cluster; stopping with exit code 1", b.Process.Stdout, StringComparison.Ordinal);
        await fleet.WaitForMembersAsync([a], 1);
        // Alone in the site, a takes what the budget allows up to its own configured cap (the desktop profile's 192).
        await fleet.WaitUntilAsync(async () => await a.HardCapAsync() == Math.Min(fleet.Budget, 192), "a holding its own cap", NodeFleet.FormTimeout);
    }
}
