using Akka.TestKit.Xunit2;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Tests.Support;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// Two lookups of one node and its dht quota's maximum, on real sockets: the first holds every dht slot (its answered peers
/// and one that never answers, which keeps it running); the second, refused a slot at the maximum, takes slots the first
/// gives up (<c>dht.share-lookup-slots</c>), and with sharing off it can dial no new peer until the first ends.
/// </summary>
public class DhtSlotSharingTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);
    private const int DhtMaximum = 4;

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task A_lookup_refused_a_dht_slot_at_the_maximum_takes_one_from_a_running_lookup_that_holds_more(string share)
    {
        await using var nodes = new NodeFixture(Sys);
        var servers = await DhtNetwork.StartServersAsync(nodes, 12);
        await using var silent = await SilentDhtPeer.StartAsync();
        await SilentDhtPeer.AnnounceAsync(silent, servers, Wait);
        // The first lookup waits for the silent peer until its timeout; a dht quota of four slots (its own bootstrap could dial
        // only four peers, so a connection or two of its start-up may stay: the first lookup needs more).
        var querier = await TwoLookups.QuerierAsync(nodes, servers, share, $$"""
            connactors.quotas.dht { reserved = "1", maximum = "{{DhtMaximum}}" }
            """, Wait);
        var queries = CreateTestProbe();
        Sys.EventStream.Subscribe(queries.Ref, typeof(DhtQueryFinished));

        // The first lookup, of the silent peer's own key: it dials the closest servers, then the silent peer (the closest, asked
        // before the others), and holds all four slots while it waits for it. (A connection left from its start-up needs no slot,
        // so count the slots, and wait for an answer on a new connection: a peer the second lookup may take.)
        var first = await TwoLookups.FirstHoldingAsync(querier, silent, queries,
            async _ => (await NodeFixture.StatusAsync(querier)).Quotas.Single(q => q.Name == "dht").Used == DhtMaximum, Wait);

        // The second lookup, of any key: with twelve servers, more of its twenty closest need a new connection than the
        // start-up left open, and those are refused at the maximum while the first lookup holds every slot. (It may ask the
        // silent peer too, over the first lookup's connection, and wait for it until its own timeout.)
        var second = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(DhtNodes.RandomKey()));

        var status = await DhtNodes.StatusAsync(querier);
        int refusedAtMaximum = TwoLookups.RefusedSince(queries, Policy.Quotas.SlotOutcome.DeniedAtMaximum);
        string why = $"share-lookup-slots {share}: second lookup {second.Stats}; shared {status.Counters.LookupSlotsShared}; refused at the maximum {refusedAtMaximum}; {await DhtNodes.DescribeAsync(querier)}";
        if (share == "on")
        {
            Assert.True(status.Counters.LookupSlotsShared >= 1, why);
            Assert.True(second.Stats.ConnectionsOpened >= 1, why);
        }
        else
        {
            Assert.Equal(0, status.Counters.LookupSlotsShared);
            Assert.True(refusedAtMaximum >= 1, why);
            Assert.True(second.Stats.ConnectionsOpened == 0, why);
        }
        var firstDone = await first.WaitAsync(Wait);
        Assert.True(firstDone.Stats.TimedOut, $"the first lookup did not wait for the silent peer: {firstDone.Stats}");
    }
}
