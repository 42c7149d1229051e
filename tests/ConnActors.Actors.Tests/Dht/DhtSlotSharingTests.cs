using Akka.TestKit.Xunit2;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Tests.Support;
using ConnActors.Libp2p.Kad;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// Two lookups of one node and its dht quota's maximum, on real sockets: the first holds every dht slot (its answered peers
/// and one that never answers, which keeps it running); the second, refused a slot at the maximum, takes slots the first
/// gives up (<c>dht.share-lookup-slots</c>), and with sharing off it can dial no new peer until the first ends.
/// </summary>
public class DhtSlotSharingTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);
    private const int K = 5, DhtMaximum = 4;

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task A_lookup_refused_a_dht_slot_at_the_maximum_takes_one_from_a_running_lookup_that_holds_more(string share)
    {
        await using var nodes = new NodeFixture(Sys);
        var servers = await DhtNetwork.StartServersAsync(nodes, 10);
        await using var silent = await SilentDhtPeer.StartAsync();
        await SilentDhtPeer.AnnounceAsync(silent, servers, Wait);
        // The first lookup waits for the silent peer (slow-queries off) until its timeout; query connections close 1 s after a lookup.
        var querier = await nodes.StartAsync(DhtNodes.Settings([NodeFixture.AddressOf(servers[0])], mode: "client", overrides: $$"""
            connactors.quotas.dht { reserved = "1", maximum = "{{DhtMaximum}}" }
            connactors.regulation.burst-linger = 1s
            connactors.dht { k = {{K}}, routing-slots = 0, slow-queries = off, request-timeout = 20s, lookup-timeout = 10s, share-lookup-slots = {{share}} }
            """));
        // Its own bootstrap could dial only four peers, so its table starts small; answers name the rest.
        await DhtNodes.WaitForRoutingTableAsync(querier, 3, Wait);
        // Its start-up lookups are over and their slots back (a connection or two may stay: the first lookup needs more).
        await Eventually.HoldsAsync(async () => (await DhtNodes.StatusAsync(querier)).LookupsRunning == 0
            && (await NodeFixture.StatusAsync(querier)) is { ActiveBursts: 0 } status && status.Quotas.Single(q => q.Name == "dht").Used == 0, Wait,
            () => DhtNodes.DescribeAsync(querier));
        var queries = CreateTestProbe();
        Sys.EventStream.Subscribe(queries.Ref, typeof(DhtQueryFinished));

        // The first lookup, of the silent peer's own key: it dials the closest servers, then the silent peer, and holds all four slots.
        var first = DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(silent.PeerId.ToBytes()));
        for (int answered = 0; answered < DhtMaximum - 1;)
            if (queries.ExpectMsg<DhtQueryFinished>(Wait) is { Failure: null, Opened: true }) answered++;
        await Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(querier)).Quotas.Single(q => q.Name == "dht").Used == DhtMaximum, Wait,
            () => DhtNodes.DescribeAsync(querier));

        // The second lookup, of a key the silent peer is farthest from: even with refused queries it has servers enough to
        // ask instead, so it ends while the first runs.
        var everyone = servers.Select(s => s.Host.PeerId).Append(silent.PeerId).ToList();
        byte[] key;
        do key = DhtNodes.RandomKey();
        while (!everyone.MaxBy(p => KadKey.FromPeer(p).Xor(KadKey.FromKey(key)))!.Equals(silent.PeerId));
        var second = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(key));

        var status = await DhtNodes.StatusAsync(querier);
        var dhtQuota = (await NodeFixture.StatusAsync(querier)).Quotas.Single(q => q.Name == "dht");
        string why = $"share-lookup-slots {share}: second lookup {second.Stats}; shared {status.Counters.LookupSlotsShared}; dht quota {dhtQuota}; {await DhtNodes.DescribeAsync(querier)}";
        Assert.False(first.IsCompleted, $"the first lookup ended before the second: {why}");
        Assert.True(dhtQuota.Used <= DhtMaximum, why);
        if (share == "on")
        {
            Assert.True(status.Counters.LookupSlotsShared >= 1, why);
            Assert.True(second.Stats.ConnectionsOpened >= 1, why);
        }
        else
        {
            Assert.Equal(0, status.Counters.LookupSlotsShared);
            Assert.True(second.Stats.ConnectionsOpened == 0, why);
        }
        var firstDone = await first.WaitAsync(Wait);
        Assert.True(firstDone.Stats.TimedOut, $"the first lookup did not wait for the silent peer: {firstDone.Stats}");
    }
}
