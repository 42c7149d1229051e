using Akka.TestKit.Xunit2;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Tests.Support;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// Two lookups of one node whose dht quota reaches its maximum as the node fills, on real sockets: the first holds both
/// (its answered peers and one that never answers, which keeps it running). The second lookup's first query that needs a
/// new connection is refused at the maximum; the first lookup gives up a claim, but the query asking again finds the node
/// full, and asks for room too (<c>LookupSlotSharing.MayAskToShare</c>): the first lets go of another answered peer, whose
/// connection closes, and the query dials. Met by sharing once, that query failed.
/// </summary>
public class DhtRoomAfterSharedSlotTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);
    private const int DhtMaximum = 5;

    [Fact]
    public async Task A_query_given_a_slot_at_the_maximum_that_finds_the_node_full_gets_room_from_the_lookup_that_gave_it()
    {
        await using var nodes = new NodeFixture(Sys);
        var servers = await DhtNetwork.StartServersAsync(nodes, 12);
        await using var silent = await SilentDhtPeer.StartAsync();
        await SilentDhtPeer.AnnounceAsync(silent, servers, Wait);
        // A hard cap of 9 (8 for ordinary peers), three held by peers in grace: five ordinary slots are left, as many as the dht
        // quota's maximum, so the first lookup fills the node and the quota at once.
        var querier = await TwoLookups.QuerierAsync(nodes, servers, "on", TwoLookups.FullNode(hardCap: 9, dhtMaximum: $"{DhtMaximum}"), Wait);
        await using var occupants = new Occupants();
        await occupants.FillAsync(querier, 3, Wait);
        var queries = CreateTestProbe();
        Sys.EventStream.Subscribe(queries.Ref, typeof(DhtQueryFinished));

        int firstId = -1;
        var first = await TwoLookups.FirstHoldingAsync(querier, silent, queries, async seen =>
        {
            firstId = seen[0].LookupId;
            var manager = await NodeFixture.StatusAsync(querier);
            return manager.Quotas.Single(q => q.Name == "dht").Used == DhtMaximum && manager.Counts.Connections >= 8;
        }, Wait);
        var second = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(DhtNodes.RandomKey()));

        // The second lookup's queries that needed a new connection.
        var needingSlots = queries.ReceiveWhile(TimeSpan.FromMilliseconds(200), m => (DhtQueryFinished)m)
            .Where(q => q.LookupId != firstId && (q.Opened || q.Failure?.StartsWith("no dht slot", StringComparison.Ordinal) == true)).ToList();
        var status = await DhtNodes.StatusAsync(querier);
        string why = $"second lookup {second.Stats}; shared {status.Counters.LookupSlotsShared}; room made {status.Counters.LookupRoomMade}; "
            + $"queries needing a slot [{string.Join("; ", needingSlots.Select(q => $"{q.LookupId} sent {q.SentAtMs}: {q.Failure ?? "opened"}"))}]; {await DhtNodes.DescribeAsync(querier)}";
        Assert.True(status.Counters.LookupSlotsShared >= 1 && needingSlots.Count > 0, why);
        // The first of them (or of those sent together) was refused at the maximum: given a claim and then room, it dialled.
        long earliest = needingSlots.Min(q => q.SentAtMs);
        Assert.True(needingSlots.Where(q => q.SentAtMs == earliest).Any(q => q.Opened), why);
        Assert.True(status.Counters.LookupRoomMade >= 1, why);
        Assert.True((await NodeFixture.StatusAsync(querier)).Counts.Connections <= 9, why);
        var firstDone = await first.WaitAsync(Wait);
        Assert.True(firstDone.Stats.TimedOut, $"the first lookup did not wait for the silent peer: {firstDone.Stats}");
    }
}
