using System.Diagnostics;
using Akka.Actor;
using ConnActors.Actors.Cluster;
using ConnActors.Actors.Manager;
using ConnActors.Cluster.Tests.Harness;
using ConnActors.Cluster.Tests.Support;
using ConnActors.Libp2p.Identity;
using Xunit.Abstractions;

namespace ConnActors.Cluster.Tests.Fleet;

/// <summary>Penalties are the fleet's; members friend each other; fleet-wide friends always have a holder.</summary>
public sealed class ReputationAndFriendsSpecs(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_penalty_recorded_on_one_member_is_honoured_by_every_member_within_a_second()
    {
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            Hocon = "connactors.cluster.load-interval = 300ms",
            Log = output.WriteLine,
        });
        var latencies = new List<double>();
        for (int i = 0; i < 20; i++)
        {
            var peer = PrivateKey.Generate().PeerId;
            var started = Stopwatch.StartNew();
            await fleet["gateway-1"].Manager.Ask<CommandAck>(new PenalizePeer(peer, 150), FleetNodes.Ask);
            await fleet.Harness.BarrierAsync($"penalty {i} honoured everywhere", async node =>
                (await fleet.StatusAsync(node.Name)).Peers.Any(p => p.PeerId == peer.ToString() && p.Penalty >= 100), Bound);
            latencies.Add(started.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();
        double p50 = latencies[latencies.Count / 2], p99 = latencies[^1];
        output.WriteLine($"MEASURED reputation propagation to every member over {latencies.Count} penalties: p50 {p50:F0} ms, p99 {p99:F0} ms");
        Assert.True(p50 <= 1_000, $"p50 {p50:F0} ms");

        // A banned peer is refused by a member it never misbehaved with.
        await using var peers = await PeerHosts.StartAsync(1);
        var banned = peers.All[0];
        await fleet["gateway-1"].Manager.Ask<CommandAck>(new PenalizePeer(banned.PeerId, 150), FleetNodes.Ask);
        await fleet.Harness.BarrierAsync("the ban reached cluster-2", async _ =>
            (await fleet.StatusAsync("cluster-2")).Peers.Any(p => p.PeerId == banned.PeerId.ToString() && p.Penalty >= 100), Bound);
        await Assert.ThrowsAnyAsync<IOException>(() => banned.DialAsync(PeerHosts.AddressOf(fleet["cluster-2"])).WaitAsync(Bound));
        Assert.True((await fleet.StatusAsync("cluster-2")).RefusalsByReason.GetValueOrDefault("Denied") >= 1);
    }

    [Fact]
    public async Task Members_friend_each_other_and_a_fleet_wide_friend_is_held_by_one_member_then_taken_over_when_it_crashes()
    {
        await using var peers = await PeerHosts.StartAsync(1);
        var friend = peers.All[0];
        await using var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            Hocon = $"connactors.cluster {{ load-interval = 300ms, fleet-friends = [\"{PeerHosts.AddressOf(friend)}\"] }}\nconnactors.friend-reconnect {{ initial = 200ms, cap = 1s }}",
            Log = output.WriteLine,
        });
        var names = new[] { "gateway-1", "cluster-1", "cluster-2" };

        await fleet.Harness.BarrierAsync("every member is every other's friend", async node =>
        {
            var friends = (await fleet.StatusAsync(node.Name)).Peers.Where(p => p.IsFriend).Select(p => p.PeerId).ToHashSet();
            return names.Where(n => n != node.Name).All(n => friends.Contains(fleet[n].Host.PeerId.ToString()));
        }, Bound);
        string owner = await HolderAsync(fleet, names, friend.PeerId);
        output.WriteLine($"the fleet-wide friend is held by {owner}");

        var started = Stopwatch.StartNew();
        await fleet.KillAsync(owner);
        var survivors = names.Where(n => n != owner).ToArray();
        string taker = await HolderAsync(fleet, survivors, friend.PeerId);
        output.WriteLine(Measured.Line($"crash of {owner} to {taker} holding the fleet-wide friend (resolver downing time {fleet.Harness.DowningTime.TotalSeconds:0.0} s)", started.Elapsed));
    }

    [Fact]
    public async Task Messages_from_a_system_that_is_not_a_member_are_refused_and_change_nothing()
    {
        await using var fleet = await StartHomeSiteAsync();
        var outsider = await fleet.Harness.StartNodeAsync(NodeSpec.Cluster(9)); // remoting up, never joined
        await using var peers = await PeerHosts.StartAsync(1);
        var negotiator = outsider.SelectOn(fleet.Harness["cluster-1"], Negotiator.Name);

        negotiator.Tell(new HandoffOffer(peers.All[0].PeerId.ToString(), [PeerHosts.AddressOf(peers.All[0]).ToString()], outsider.Address.ToString()));
        negotiator.Tell(new ShareProposal(1_000, "home", 1, Shrink: true, 0));
        negotiator.Tell(new ShareProposal(1_001, "home", 10_000, Shrink: false, 0));
        // A renewal for ever (a stamp far ahead) with a bound above the budget: refused like the rest.
        negotiator.Tell(new LeaseGranted(long.MaxValue / 8, 0, 10_000, 0));
        outsider.SelectOn(fleet.Harness["gateway-1"], SiteAllocator.Name).Tell(new LeaseRequest(0, -1, -1, -1, 10_000, "home"));

        await fleet.Harness.BarrierAsync("the messages were refused", async _ =>
            (await fleet.ClusterAsync("cluster-1")).Counters["refusedFromNonMembers"] >= 4, Bound);
        await Task.Delay(TimeSpan.FromSeconds(1)); // had a proposal been taken, its cap would be in force by now
        // The fleet may re-split the budget by demand meanwhile; the outsider's caps are never taken.
        Assert.DoesNotContain(1, fleet.CapsTakenBy("cluster-1"));
        Assert.DoesNotContain(10_000, fleet.CapsTakenBy("cluster-1"));
        fleet.AssertCapsNeverAbove(100);
        Assert.Empty(fleet["cluster-1"].Host.ConnectionsTo(peers.All[0].PeerId));
    }

    [Fact]
    public async Task Operator_commands_sent_over_the_wire_are_dropped_by_the_deserializer_whoever_claims_to_send_them()
    {
        await using var fleet = await StartHomeSiteAsync();
        // Remoting up, never joined, and writing with Akka's own Hyperion, which has no filter (what an attacker would run).
        var outsider = await fleet.Harness.StartNodeAsync(NodeSpec.Cluster(9,
            """akka.actor.serializers.hyperion = "Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion" """));
        await using var peers = await PeerHosts.StartAsync(1);
        var connected = peers.All[0];
        await connected.DialAsync(PeerHosts.AddressOf(fleet["cluster-1"])).WaitAsync(Bound);
        var penalized = PrivateKey.Generate().PeerId;
        var manager = outsider.SelectOn(fleet.Harness["cluster-1"], "connection-manager");

        // What the review sent from a system that never joined (2 Dec 2026): each was acknowledged and applied.
        object[] commands = [new PenalizePeer(penalized, 150), new AddFriend(PeerHosts.AddressOf(connected)), ShutdownPolitely.Instance];
        foreach (var command in commands)
        {
            Assert.NotEmpty(outsider.System.Serialization.FindSerializerFor(command).ToBinary(command)); // it does leave the outsider
            manager.Tell(command);
        }
        // Control: a fleet message by the same way arrives, and the Negotiator refuses it as a non-member's.
        outsider.SelectOn(fleet.Harness["cluster-1"], Negotiator.Name).Tell(new ShareProposal(1_000, "home", 1, Shrink: true, 0));
        await fleet.Harness.BarrierAsync("the control arrived", async _ => (await fleet.ClusterAsync("cluster-1")).Counters["refusedFromNonMembers"] >= 1, Bound);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var status = await fleet.StatusAsync("cluster-1");
        Assert.DoesNotContain(status.Peers, p => p.PeerId == penalized.ToString());
        Assert.DoesNotContain(status.Peers, p => p.IsFriend && p.PeerId == connected.PeerId.ToString());
        Assert.NotEmpty(fleet["cluster-1"].Host.ConnectionsTo(connected.PeerId)); // no polite shutdown closed it
        // The same command from the node itself is taken: the penalty would have been seen.
        await fleet["cluster-1"].Manager.Ask<CommandAck>(new PenalizePeer(penalized, 150), FleetNodes.Ask);
        Assert.Contains((await fleet.StatusAsync("cluster-1")).Peers, p => p.PeerId == penalized.ToString() && p.Penalty >= 100);
    }

    // A gateway and a cluster node sharing the site "home" (a budget of 100), once both hold a share of it.
    private async Task<FleetNodes> StartHomeSiteAsync()
    {
        var fleet = await FleetNodes.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndClusterNode,
            Hocon = "connactors.cluster { load-interval = 300ms, site = home, site-budget = 100 }",
            Log = output.WriteLine,
        });
        try
        {
            await fleet.Harness.BarrierAsync("the budget is shared", async _ => (await fleet.CapsAsync()) is var caps && caps.Values.All(c => c > 0) && caps.Values.Sum() == 100, Bound);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    // The one member among <paramref name="candidates"/> connected to <paramref name="peer"/> as a friend, once exactly one is.
    private static async Task<string> HolderAsync(FleetNodes fleet, IReadOnlyList<string> candidates, PeerId peer)
    {
        string? holder = null;
        await fleet.Harness.BarrierAsync($"exactly one of {string.Join(", ", candidates)} holds {peer} as a friend", async _ =>
        {
            var holders = new List<string>();
            foreach (var name in candidates)
            {
                var status = await fleet.StatusAsync(name);
                if (status.Peers.Any(p => p.PeerId == peer.ToString() && p.IsFriend && p.Inbound + p.Outbound > 0)) holders.Add(name);
            }
            holder = holders.Count == 1 ? holders[0] : null;
            return holder is not null;
        }, Bound);
        return holder!;
    }
}
