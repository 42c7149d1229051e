using ConnActors.Actors.Ledger;
using ConnActors.Actors.Quotas;
using ConnActors.Policy.Quotas;

namespace ConnActors.Actors.Tests.Ledger;

/// <summary>A subsystem's burst ends: the connections it opened that nothing else uses are closed with it.</summary>
public class LedgerBurstTests
{
    // Hard cap 40: high water 34, low water 28.
    private const string Cap40 = "connactors.limits { hard-cap = 40 }";

    [Fact]
    public void Ending_a_burst_above_low_water_closes_only_the_unused_connections_it_opened_and_only_its_owner_ends_it()
    {
        var f = new LedgerFixture(Cap40);
        var dht = f.Ledger.Policy.Quotas.Find("dht") ?? throw new InvalidOperationException("no dht quota");
        var pubsub = f.Ledger.Policy.Quotas.Find("pubsub") ?? throw new InvalidOperationException("no pubsub quota");
        var before = Peers(29);
        for (int i = 0; i < before.Length; i++) f.ConnectInbound(before[i], i);

        f.Now += 1_000;
        var burst = Assert.IsType<BurstStarted>(f.Ledger.Subsystem(dht, StartBurst.Instance, f.Now)).BurstId;
        f.Now += 10;
        var (unused, slotted) = (PrivateKey.Generate().PeerId, PrivateKey.Generate().PeerId);
        var unusedId = f.ConnectInbound(unused, 100);
        f.ConnectInbound(slotted, 101);
        Assert.True(Assert.IsType<SlotReply>(f.Ledger.Subsystem(dht, new RequestSlot(slotted), f.Now)).Granted);
        foreach (var peer in new[] { before[0], unused, slotted }) f.Ledger.Subsystem(dht, new EnlistInBurst(burst, peer), f.Now);
        f.TakeEffects();

        f.Now += 300;
        Assert.Null(f.Ledger.Subsystem(pubsub, new EndBurst(burst), f.Now)); // not pubsub's burst: ignored
        Assert.Empty(f.TakeEffects().OfType<ByeAndClose>());
        Assert.Null(f.Ledger.Subsystem(dht, new EndBurst(burst), f.Now));

        var bye = Assert.Single(f.TakeEffects().OfType<ByeAndClose>());
        Assert.Equal(unused, bye.Peer);
        Assert.Equal([unusedId], bye.Ids);
        Assert.Equal(1, f.Ledger.Policy.Closing);
        f.Ledger.Closed(unusedId, f.Now);
        Assert.Equal((30, 0), (f.Ledger.Policy.Connections, f.Ledger.Policy.Closing));
    }

    [Fact]
    public void Ending_a_burst_at_or_below_low_water_closes_nothing()
    {
        var f = new LedgerFixture(Cap40);
        var dht = f.Ledger.Policy.Quotas.Find("dht") ?? throw new InvalidOperationException("no dht quota");
        var burst = Assert.IsType<BurstStarted>(f.Ledger.Subsystem(dht, StartBurst.Instance, f.Now)).BurstId;
        f.Now += 10;
        var peers = Peers(5);
        for (int i = 0; i < peers.Length; i++)
        {
            f.ConnectInbound(peers[i], i);
            f.Ledger.Subsystem(dht, new EnlistInBurst(burst, peers[i]), f.Now);
        }
        f.TakeEffects();

        f.Ledger.Subsystem(dht, new EndBurst(burst), f.Now);

        Assert.Empty(f.TakeEffects().OfType<ByeAndClose>());
        Assert.Equal((5, 0), (f.Ledger.Policy.Connections, f.Ledger.Policy.Closing));
    }

    private static PeerId[] Peers(int count) => Enumerable.Range(0, count).Select(_ => PrivateKey.Generate().PeerId).ToArray();
}
