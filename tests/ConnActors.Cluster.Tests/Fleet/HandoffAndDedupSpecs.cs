using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Cluster.Tests.Harness;
using ConnActors.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ConnActors.Cluster.Tests.Fleet;

/// <summary>A member that must trim hands its peers to one with room; a peer held by one member is not held twice.</summary>
public sealed class HandoffAndDedupSpecs(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Peers_a_full_member_trims_are_handed_to_a_member_with_room_and_stay_connected_to_the_fleet()
    {
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = [NodeSpec.Cluster(1, "connactors.limits.hard-cap = 12\nconnactors.regulation { grace-period = 5s, grace-max-count = 12 }"), NodeSpec.Cluster(2)],
            Hocon = "connactors.cluster.load-interval = 300ms\nconnactors.cluster.handoff = on",
            Log = output.WriteLine,
        });
        await fleet.Harness.BarrierAsync("cluster-1 sees cluster-2's room", async _ =>
            (await fleet.ClusterAsync("cluster-1")).Members.Any(m => m.Address == fleet.Harness["cluster-2"].Address.ToString() && m.HardCap > 0), Bound);
        // The most ordinary inbound a cap of 12 admits (less the reserves). Every one is in grace for 5 s, so the
        // trim comes after they identified: a peer trimmed before that has no known address and is only referred
        // by its bye, which these plain hosts do not follow (HandoffStormSpecs counts those).
        await using var peers = await PeerHosts.StartAsync(10);

        foreach (var peer in peers.All) await peer.DialAsync(PeerHosts.AddressOf(fleet["cluster-1"])).WaitAsync(Bound);

        var nodes = new Dictionary<string, Actors.Host.ConnActorsNode> { ["cluster-1"] = fleet["cluster-1"], ["cluster-2"] = fleet["cluster-2"] };
        await fleet.Harness.BarrierAsync("cluster-1 trimmed and cluster-2 took the peers it handed off", async _ =>
        {
            var counters = (await fleet.ClusterAsync("cluster-1")).Counters;
            return counters["handoffsCompleted"] > 0 && counters["handoffsCompleted"] + counters["handoffsFailed"] == counters["handoffsOffered"];
        }, Bound);
        var final = await fleet.ClusterAsync("cluster-1");
        output.WriteLine($"handoffs offered {final.Counters["handoffsOffered"]}, completed {final.Counters["handoffsCompleted"]}, failed {final.Counters["handoffsFailed"]}");
        Assert.All(peers.All, peer => Assert.NotEmpty(PeerHosts.HoldersOf(peer.PeerId, nodes)));
        Assert.True(fleet["cluster-2"].Host.Connections.Count(c => peers.All.Any(p => p.PeerId.Equals(c.RemotePeer))) >= final.Counters["handoffsCompleted"]);
    }

    [Fact]
    public async Task A_peer_held_by_one_member_is_steered_there_by_another_and_not_dialled_for_discovery()
    {
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = [NodeSpec.Cluster(1), NodeSpec.Cluster(2)],
            Hocon = "connactors.cluster.load-interval = 300ms\nconnactors.cluster.handoff = on",
            Log = output.WriteLine,
        });
        // Of two members holding the same peer, the one whose address sorts first keeps it.
        var (keeper, other) = string.CompareOrdinal(fleet.Harness["cluster-1"].Address.ToString(), fleet.Harness["cluster-2"].Address.ToString()) < 0
            ? ("cluster-1", "cluster-2") : ("cluster-2", "cluster-1");
        await using var peers = await PeerHosts.StartAsync(1);
        var peer = peers.All[0];
        await peer.DialAsync(PeerHosts.AddressOf(fleet[keeper])).WaitAsync(Bound);
        await fleet.Harness.BarrierAsync($"{other} learned that {keeper} holds the peer", async _ =>
            (await fleet.ClusterAsync(other)).Members.Any(m => m.Connections > 0 && m.Address == fleet.Harness[keeper].Address.ToString()), Bound);
        await Task.Delay(TimeSpan.FromSeconds(1)); // one more load round: the held peers travel with the load

        var duplicate = await peer.DialAsync(PeerHosts.AddressOf(fleet[other])).WaitAsync(Bound);
        Assert.Equal(duplicate.Closed, await Task.WhenAny(duplicate.Closed, Task.Delay(Bound)));
        fleet[other].Manager.Tell(new DialPeer(peer.PeerId, [PeerHosts.AddressOf(peer)], DialPriority.Background));

        await fleet.Harness.BarrierAsync("the duplicate was steered away and the discovery dial not made", async _ =>
        {
            var refusals = (await fleet.StatusAsync(other)).RefusalsByReason;
            return refusals.GetValueOrDefault("FleetDuplicate") >= 1 && refusals.GetValueOrDefault("DialHeldByFleet") >= 1;
        }, Bound);
        Assert.Single(fleet[keeper].Host.ConnectionsTo(peer.PeerId));
        Assert.Empty(fleet[other].Host.ConnectionsTo(peer.PeerId));
    }
}
