using ConnActors.Actors.Ledger;

namespace ConnActors.Actors.Tests.Ledger;

/// <summary>A full pending-handshake table gives the slot of the subnet holding the most to a newcomer from another subnet.</summary>
public class LedgerEvictionTests
{
    // A hard cap of 16 gives two pending-handshake slots (an eighth of the cap).
    private const string TwoPendingSlots = "connactors.limits { hard-cap = 16 }";

    private static Multiaddr From(string ip) => Multiaddr.Parse($"/ip4/{ip}/tcp/4001");

    [Fact]
    public void A_newcomer_from_another_subnet_takes_the_oldest_slot_of_the_flooding_subnet()
    {
        var f = new LedgerFixture(TwoPendingSlots);
        var oldest = f.NewId();
        Assert.True(f.Ledger.InboundAttempt(oldest, From("10.0.1.2"), f.Now).Allowed);
        f.Now += 10;
        var younger = f.NewId();
        Assert.True(f.Ledger.InboundAttempt(younger, From("10.0.1.3"), f.Now).Allowed);
        Assert.False(f.Ledger.InboundAttempt(f.NewId(), From("10.0.1.4"), f.Now).Allowed); // same subnet: refused, evicts nobody
        Assert.Empty(f.TakeEffects().OfType<AbortConnection>());

        var honest = f.NewId();
        Assert.True(f.Ledger.InboundAttempt(honest, From("192.168.7.9"), f.Now).Allowed);

        var abort = Assert.Single(f.TakeEffects().OfType<AbortConnection>());
        Assert.Equal(oldest, abort.Id);
        Assert.StartsWith("evicted:", abort.Reason);
        Assert.Equal(2, f.Ledger.Policy.PendingInbound);
        Assert.Equal(1, f.Ledger.Counters.Refusals["PendingHandshakeEvicted"]);
        f.Ledger.Failed(oldest, f.Now); // the host's report of the aborted handshake changes nothing
        Assert.Equal(2, f.Ledger.Policy.PendingInbound);
    }

    [Fact]
    public void Subnets_holding_one_slot_each_are_not_evicted()
    {
        var f = new LedgerFixture(TwoPendingSlots);
        Assert.True(f.Ledger.InboundAttempt(f.NewId(), From("10.0.1.2"), f.Now).Allowed);
        Assert.True(f.Ledger.InboundAttempt(f.NewId(), From("10.0.2.2"), f.Now).Allowed);
        Assert.False(f.Ledger.InboundAttempt(f.NewId(), From("10.0.3.2"), f.Now).Allowed);
        Assert.Empty(f.TakeEffects().OfType<AbortConnection>());
    }
}
