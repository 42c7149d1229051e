using Akka.TestKit.Xunit2;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Tests.Support;
using ConnActors.Policy.Quotas;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// Two lookups of one full node, on real sockets: the first holds every connection the node may open (its answered peers and
/// one that never answers, which keeps it running); the second, refused a dht slot because the node is full, gets room when
/// the first lets go of a peer that answered it and that peer's connection closes (<c>dht.share-lookup-slots</c>); with
/// sharing off it can dial no new peer until the first ends.
/// </summary>
public class DhtRoomSharingTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task A_lookup_refused_a_dht_slot_on_a_full_node_gets_room_from_a_running_lookup_that_holds_more(string share)
    {
        await using var nodes = new NodeFixture(Sys);
        var servers = await DhtNetwork.StartServersAsync(nodes, 12);
        await using var silent = await SilentDhtPeer.StartAsync();
        await SilentDhtPeer.AnnounceAsync(silent, servers, Wait);
        // A hard cap of 8 (7 for ordinary peers), three of them held by peers in grace (below), and a dht quota of all 7: the
        // node's room runs out before the quota. The first lookup waits for the silent peer until its timeout.
        var querier = await TwoLookups.QuerierAsync(nodes, servers, share, TwoLookups.FullNode(hardCap: 8, dhtMaximum: "100%"), Wait);
        // Three connections no subsystem uses, in grace (what the start-up left, and peers that connect now): no borrow may
        // take their places, so a lookup refused for room stays refused, and four ordinary slots are left for the lookups.
        await using var occupants = new Occupants();
        await occupants.FillAsync(querier, 3, Wait);
        var queries = CreateTestProbe();
        Sys.EventStream.Subscribe(queries.Ref, typeof(DhtQueryFinished));

        // The first lookup, of the silent peer's key, fills the node: it waits until every ordinary slot is taken, one of its
        // queries answered on a new connection, and the silent peer is connected and has not answered.
        var first = await TwoLookups.FirstHoldingAsync(querier, silent, queries,
            seen => Task.FromResult(seen.Any(q => TwoLookups.Refused(q, SlotOutcome.DeniedNoCapacity))), Wait);

        // The second lookup, of any key: its peers that need a new connection are refused for want of room while the first
        // lookup holds every connection.
        var second = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(DhtNodes.RandomKey()));

        var status = await DhtNodes.StatusAsync(querier);
        int refusedForRoom = TwoLookups.RefusedSince(queries, SlotOutcome.DeniedNoCapacity);
        string why = $"share-lookup-slots {share}: second lookup {second.Stats}; room made {status.Counters.LookupRoomMade}; refused for room {refusedForRoom}; {await DhtNodes.DescribeAsync(querier)}";
        if (share == "on")
        {
            Assert.True(status.Counters.LookupRoomMade >= 1, why);
            Assert.True(second.Stats.ConnectionsOpened >= 1, why);
        }
        else
        {
            Assert.Equal(0, status.Counters.LookupRoomMade);
            Assert.True(refusedForRoom >= 1, why);
            Assert.True(second.Stats.ConnectionsOpened == 0, why);
        }
        Assert.True((await NodeFixture.StatusAsync(querier)).Counts.Connections <= 8, why);
        var firstDone = await first.WaitAsync(Wait);
        Assert.True(firstDone.Stats.TimedOut, $"the first lookup did not wait for the silent peer: {firstDone.Stats}");
    }
}
