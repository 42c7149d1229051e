using ConnActors.Actors.Ledger;
using PolicyDirection = ConnActors.Policy.Admission.ConnectionDirection;

namespace ConnActors.Actors.Tests.Ledger;

/// <summary>Connection ids through the ledger: each ends once, late reports are counted, a reconnect racing its close stays trimmable.</summary>
public class LedgerLifecycleTests
{
    private const string Trimmable = "connactors.regulation { grace-period = 0s, emergency-target = 0 }";

    [Fact]
    public void Duplicate_and_late_reports_are_counted_and_change_nothing()
    {
        var f = new LedgerFixture();
        var peer = PrivateKey.Generate().PeerId;
        var id = f.ConnectInbound(peer, 1);
        Assert.Null(f.Ledger.Opened(id, peer, PolicyDirection.Inbound, LedgerFixture.Address(1), f.Now)); // reported twice

        Assert.NotNull(f.Ledger.Closed(id, f.Now));
        long before = f.Ledger.Connections.UnknownReports;
        Assert.Null(f.Ledger.Closed(id, f.Now));
        f.Ledger.Failed(id, f.Now);
        f.Ledger.Failed(f.NewId(), f.Now);

        Assert.Equal(before + 3, f.Ledger.Connections.UnknownReports);
        Assert.Equal(0, f.Ledger.Policy.Connections);
        Assert.Equal(0, f.Ledger.Policy.IgnoredReports);
    }

    [Fact]
    public void A_reconnect_racing_its_own_close_is_counted_live_and_can_be_trimmed_again()
    {
        // With a bye the peer would be refused for coming back inside its backoff; without one it may race.
        var f = new LedgerFixture(Trimmable + "\nconnactors.bye.enabled = off");
        var peer = PrivateKey.Generate().PeerId;
        var first = f.ConnectInbound(peer, 1);
        f.Ledger.EmergencyTrim(f.Now);
        var bye = Assert.Single(f.TakeEffects().OfType<ByeAndClose>());
        Assert.Equal([first], bye.Ids);

        var second = f.ConnectInbound(peer, 1); // before the close of the first is reported
        Assert.Equal(2, f.Ledger.Policy.Connections);
        Assert.Equal(1, f.Ledger.Policy.EffectiveConnections);

        f.Ledger.Closed(first, f.Now);
        Assert.Equal(1, f.Ledger.Policy.EffectiveConnections);
        f.Ledger.EmergencyTrim(f.Now);
        Assert.Equal([second], Assert.Single(f.TakeEffects().OfType<ByeAndClose>()).Ids);
    }

    [Fact]
    public void A_connection_chosen_to_close_before_it_opened_is_closed_with_the_trims_bye_when_it_opens()
    {
        var f = new LedgerFixture(Trimmable);
        var peer = PrivateKey.Generate().PeerId;
        var id = f.NewId();
        Assert.True(f.Ledger.InboundAttempt(id, LedgerFixture.Address(1), f.Now).Allowed);
        Assert.True(f.Ledger.InboundSecured(id, peer, LedgerFixture.Address(1), f.Now).Allowed);
        f.Ledger.EmergencyTrim(f.Now);
        Assert.Empty(f.TakeEffects().OfType<ByeAndClose>()); // nothing open to say bye on yet

        Assert.NotNull(f.Ledger.Opened(id, peer, PolicyDirection.Inbound, LedgerFixture.Address(1), f.Now));

        var bye = Assert.Single(f.TakeEffects().OfType<ByeAndClose>());
        Assert.Equal([id], bye.Ids);
        Assert.Equal(Actors.Bye.ByeReason.MemoryPressure, bye.Bye.Reason);
        f.Ledger.Closed(id, f.Now);
        Assert.Equal((0, 0), (f.Ledger.Policy.Connections, f.Ledger.Policy.Closing));
    }

    [Fact]
    public void A_connection_the_gates_never_saw_is_admitted_whole_or_aborted()
    {
        var f = new LedgerFixture("connactors.limits { hard-cap = 8, outbound-reserve = 1, friend-reserve = 1, subnets.max-per-ipv4 = 100 }");
        var admitted = 0;
        for (int i = 0; i < 10; i++)
        {
            if (f.Ledger.Opened(f.NewId(), PrivateKey.Generate().PeerId, PolicyDirection.Inbound, LedgerFixture.Address(1), f.Now) is not null) admitted++;
        }
        Assert.Equal(f.Ledger.Policy.Connections, admitted);
        Assert.Equal(10 - admitted, f.TakeEffects().OfType<AbortConnection>().Count());
        Assert.True(f.Ledger.Policy.Occupancy <= 8);
    }

    [Fact]
    public void Peer_records_and_their_keys_are_released_when_nothing_about_the_peer_is_held()
    {
        var f = new LedgerFixture("connactors.peers.idle-expiry = 1m");
        for (int i = 0; i < 100; i++)
        {
            var peer = PrivateKey.Generate().PeerId;
            var id = f.ConnectInbound(peer, i);
            f.Ledger.Protect(peer, "tag", f.Now);
            f.Ledger.Unprotect(peer, "tag", f.Now);
            f.Ledger.Penalize(peer, 1, f.Now);
            f.Ledger.Closed(id, f.Now);
        }
        Assert.Equal(100, f.Ledger.Peers.Count);
        f.Now += f.Ledger.Policy.Settings.Scoring.PenaltyRetentionMs;
        f.Ledger.Tick(f.Now);
        Assert.Equal((0, 0, 0), (f.Ledger.Peers.Count, f.Ledger.Policy.TrackedPeers, f.Ledger.Policy.Penalties.Count));
    }
}
