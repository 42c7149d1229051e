using ConnActors.Actors.Ledger;
using ConnActors.Actors.Tests.Support;
using ConnActors.Libp2p.Host;
using PolicyDirection = ConnActors.Policy.Admission.ConnectionDirection;

namespace ConnActors.Actors.Tests.Ledger;

/// <summary>A ledger driven by hand, as the manager drives it, with a clock and attempt ids of its own.</summary>
internal sealed class LedgerFixture
{
    private long _nextId = 1;

    public LedgerFixture(string overrides = "")
    {
        var settings = NodeSettings.From(overrides);
        Ledger = new ConnectionLedger(settings, seed: 7);
        foreach (var quota in settings.Quotas) Ledger.Enroll(quota);
    }

    public ConnectionLedger Ledger { get; }

    public long Now { get; set; } = 1_000_000;

    public ConnectionId NewId() => new(_nextId++);

    public static Multiaddr Address(int host, int port = 4001) => Multiaddr.Parse($"/ip4/10.0.{host / 250}.{host % 250 + 1}/tcp/{port}");

    /// <summary>An inbound connection through both gates, opened; returns its id.</summary>
    public ConnectionId ConnectInbound(PeerId peer, int host)
    {
        var id = NewId();
        Assert.True(Ledger.InboundAttempt(id, Address(host), Now).Allowed);
        Assert.True(Ledger.InboundSecured(id, peer, Address(host), Now).Allowed);
        Assert.NotNull(Ledger.Opened(id, peer, PolicyDirection.Inbound, Address(host), Now));
        return id;
    }

    /// <summary>The effects left so far, taken out of the ledger.</summary>
    public List<LedgerEffect> TakeEffects()
    {
        var effects = Ledger.Effects.ToList();
        Ledger.Effects.Clear();
        return effects;
    }

    /// <summary>Hands out the dials the queue allows now and returns their start effects.</summary>
    public List<StartDial> Pump()
    {
        Ledger.PumpDials(NewId, Now);
        return TakeEffects().OfType<StartDial>().ToList();
    }
}
