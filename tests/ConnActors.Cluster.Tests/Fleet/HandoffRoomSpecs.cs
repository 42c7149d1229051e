using ConnActors.Cluster.Tests.Harness;
using ConnActors.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ConnActors.Cluster.Tests.Fleet;

/// <summary>
/// A member takes handed-off peers only into its room below low water (HandoffChoice.Room): one at its low water
/// is offered none, however much room it has below high water; one below it is offered peers, and they do not
/// take it past its low water (docs/cluster.md, "Handoff").
/// </summary>
public sealed class HandoffRoomSpecs(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    // cluster-2 has a high water far above its low water: room below high water, none below low water once it holds 6.
    private const int TargetLowWater = 6;

    [Fact]
    public async Task A_member_at_its_low_water_is_offered_no_peers_and_one_below_it_takes_them_only_up_to_it()
    {
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes =
            [
                NodeSpec.Cluster(1, "connactors.limits.hard-cap = 12\nconnactors.regulation { grace-period = 5s, grace-max-count = 12 }"),
                NodeSpec.Cluster(2, $"connactors.limits.hard-cap = 40\nconnactors.limits.high-water = 30\nconnactors.limits.low-water = {TargetLowWater}"),
            ],
            Hocon = "connactors.cluster.load-interval = 300ms\nconnactors.cluster.handoff = on",
            Log = output.WriteLine,
        });
        string target = fleet.Harness["cluster-2"].Address.ToString();

        // cluster-2 reaches its low water with peers of its own.
        await using var own = await PeerHosts.StartAsync(TargetLowWater);
        foreach (var peer in own.All) await peer.DialAsync(PeerHosts.AddressOf(fleet["cluster-2"])).WaitAsync(Bound);
        await fleet.Harness.BarrierAsync("cluster-1 sees cluster-2 at its low water", async _ =>
            (await fleet.ClusterAsync("cluster-1")).Members.Any(m => m.Address == target && m.Connections >= TargetLowWater), Bound);

        // cluster-1 goes over its high water (10 of a cap of 12) and trims to its low water (8) when grace ends.
        await using var first = await PeerHosts.StartAsync(10);
        foreach (var peer in first.All) await peer.DialAsync(PeerHosts.AddressOf(fleet["cluster-1"])).WaitAsync(Bound);
        await fleet.Harness.BarrierAsync("cluster-1 trimmed to its low water", _ => Task.FromResult(fleet["cluster-1"].Host.Connections.Count <= 8), Bound);
        var afterFirst = (await fleet.ClusterAsync("cluster-1")).Counters;
        output.WriteLine($"cluster-2 at its low water: handoffs offered {afterFirst["handoffsOffered"]}");
        Assert.Equal(0, afterFirst["handoffsOffered"]);

        // cluster-2's own peers leave: it is below its low water and has room for handed-off peers again.
        await own.DisposeAsync();
        await fleet.Harness.BarrierAsync("cluster-1 sees cluster-2 below its low water", async _ =>
            (await fleet.ClusterAsync("cluster-1")).Members.Any(m => m.Address == target && m.Connections < TargetLowWater - 2), Bound);
        await using var second = await PeerHosts.StartAsync(3);
        foreach (var peer in second.All) await peer.DialAsync(PeerHosts.AddressOf(fleet["cluster-1"])).WaitAsync(Bound);
        await fleet.Harness.BarrierAsync("cluster-1 trimmed again and every handoff it offered has an outcome", async _ =>
        {
            var c = (await fleet.ClusterAsync("cluster-1")).Counters;
            return c["handoffsOffered"] > 0 && c["handoffsCompleted"] + c["handoffsFailed"] == c["handoffsOffered"];
        }, Bound);
        var final = (await fleet.ClusterAsync("cluster-1")).Counters;
        int held = fleet["cluster-2"].Host.Connections.Count;
        output.WriteLine($"cluster-2 below its low water: handoffs offered {final["handoffsOffered"]}, completed {final["handoffsCompleted"]}; cluster-2 holds {held} connections");
        Assert.True(final["handoffsCompleted"] > 0, "no handoff completed to the member below its low water");
        Assert.True(held <= TargetLowWater, $"handoffs took cluster-2 to {held} connections, past its low water {TargetLowWater}");
    }
}
