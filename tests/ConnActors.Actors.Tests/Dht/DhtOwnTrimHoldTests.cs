using Akka.Actor;
using Akka.TestKit.Xunit2;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Host;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Tests.Support;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// A lookup and the own-trim hold, on real sockets: the node does not dial a peer it trimmed lately, so a lookup asks others;
/// but when the held peer is the closest to the key, no other peer can stand in for it, and the lookup asks it once more past
/// the hold (<c>dht.pass-hold-among-closest</c>).
/// </summary>
public class DhtOwnTrimHoldTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);

    [Theory]
    [InlineData(3, true)]
    [InlineData(0, false)]
    public async Task A_lookup_asks_a_held_peer_that_is_closest_to_its_key_past_the_hold(int passHoldAmong, bool found)
    {
        await using var nodes = new NodeFixture(Sys);
        var servers = await DhtNetwork.StartServersAsync(nodes, 10);
        // Query connections close 1 s after their lookup (no hold: a finished lookup's peer did nothing to regret); high water
        // is below the ten servers, the cap far above (room for the lookup's dials), and the hold after a trim is long.
        var querier = await nodes.StartAsync(DhtNodes.Settings([NodeFixture.AddressOf(servers[0])], mode: "client", overrides: $"""
            connactors.limits {"{"} hard-cap = 24, high-water = 8, low-water = 6, max-pending-handshakes = 16 {"}"}
            connactors.regulation.burst-linger = 1s
            connactors.bye.own-trim-backoff = 10m
            connactors.dht.routing-slots = 0
            connactors.dht.pass-hold-among-closest = {passHoldAmong}
            """));
        await DhtNodes.WaitForRoutingTableAsync(querier, 4, Wait);
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(querier)).Counts.Connections == 0, Wait,
            () => DhtNodes.DescribeAsync(querier));

        // Every server dials the querier: past high water it trims some of them, not after a lookup, so it holds them.
        var trims = CreateTestProbe();
        Sys.EventStream.Subscribe(trims.Ref, typeof(PeerTrimmed));
        foreach (var server in servers) server.Manager.Tell(new DialPeer(querier.Host.PeerId, [NodeFixture.AddressOf(querier)]));
        var trimmed = trims.FishForMessage<PeerTrimmed>(t => servers.Any(s => s.Host.PeerId.ToString() == t.PeerId), Wait);
        var victim = servers.Single(s => s.Host.PeerId.ToString() == trimmed.PeerId);
        await Eventually.HoldsAsync(() => Task.FromResult(!querier.Host.ConnectionsTo(victim.Host.PeerId).Any(c => !c.IsClosed)), Wait,
            "the trimmed server's connection closed");
        long heldBefore = (await NodeFixture.StatusAsync(querier)).RefusalsByReason.GetValueOrDefault("OwnTrimBackoff");
        var queries = CreateTestProbe();
        Sys.EventStream.Subscribe(queries.Ref, typeof(DhtQueryFinished));

        // The victim is the closest peer to its own id: the lookup meets the hold on its first query.
        var closest = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(victim.Host.PeerId.ToBytes()));
        var status = await NodeFixture.StatusAsync(querier);
        var toVictim = queries.ReceiveWhile(TimeSpan.FromMilliseconds(200), m => (DhtQueryFinished)m).Where(q => q.Peer.Equals(victim.Host.PeerId));
        string why = $"{closest.Stats}; {await DhtNodes.DescribeAsync(querier)}; queries to the victim: [{string.Join("; ", toVictim.Select(q => q.Failure ?? "answered"))}]";
        Assert.True(status.RefusalsByReason.GetValueOrDefault("OwnTrimBackoff") > heldBefore, $"the hold refused no query: {why}");
        Assert.True(found == closest.Peers.Any(p => p.Id.Equals(victim.Host.PeerId)), why);
        if (found) Assert.Equal(victim.Host.PeerId, closest.Peers[0].Id);
    }
}
