using ConnActors.Actors.Bye;
using ConnActors.Actors.Ledger;
using ConnActors.Actors.Quotas;
using ConnActors.Actors.Store;
using PolicyDirection = ConnActors.Policy.Admission.ConnectionDirection;

namespace ConnActors.Actors.Tests.Ledger;

/// <summary>Dials through the ledger's queue: admitted before any socket, run under their own attempt id, honouring backoffs.</summary>
public class LedgerDialTests
{
    private const string FastBackoff = "connactors.dial.backoff { initial = 1500ms, cap = 6s, jitter = 0 }";
    private static readonly Multiaddr Somewhere = Multiaddr.Parse("/ip4/10.9.9.9/tcp/4001");

    [Fact]
    public void An_admitted_dial_starts_under_a_fresh_id_and_its_connection_registers_under_that_id()
    {
        var f = new LedgerFixture();
        var peer = PrivateKey.Generate().PeerId;
        f.Ledger.RequestDial(peer, [Somewhere], 128, f.Now);

        var start = Assert.Single(f.Pump());
        Assert.Equal(peer, start.Peer);
        Assert.Equal(1, f.Ledger.Policy.PendingOutbound);
        Assert.True(f.Ledger.OutboundSecured(start.Id, peer, Somewhere, f.Now).Allowed);

        Assert.NotNull(f.Ledger.Opened(start.Id, peer, PolicyDirection.Outbound, Somewhere, f.Now));
        f.Ledger.DialReturned(start.Id, start.Id, null, f.Now);

        Assert.Equal((0, 1), (f.Ledger.Policy.PendingOutbound, f.Ledger.Policy.Outbound));
        Assert.Equal(0, f.Ledger.Dials.InFlight);
    }

    [Fact]
    public void A_dial_the_policy_refuses_ends_at_once_and_starts_nothing()
    {
        var f = new LedgerFixture();
        var peer = PrivateKey.Generate().PeerId;
        f.Ledger.Penalize(peer, 150, f.Now); // barred
        f.Ledger.RequestDial(peer, [Somewhere], 128, f.Now);

        f.Ledger.PumpDials(f.NewId, f.Now);
        var effects = f.TakeEffects();
        Assert.Empty(effects.OfType<StartDial>());
        Assert.Equal(0, f.Ledger.Policy.PendingOutbound);
        Assert.Equal(1, f.Ledger.Counters.Refusals["DialDenied"]);
        Assert.False(Assert.Single(effects.OfType<DialFailed>()).RefusedForRoom); // barred: no room would change that
    }

    [Fact]
    public void A_dht_slot_granted_before_other_dials_took_the_room_ends_in_a_dial_refused_for_room()
    {
        var f = new LedgerFixture("connactors.limits { hard-cap = 8, outbound-reserve = 1, friend-reserve = 1, subnets.max-per-ipv4 = 100 }");
        var dht = f.Ledger.Policy.Quotas.Find("dht") ?? throw new InvalidOperationException("no dht quota");
        for (int i = 0; f.Ledger.Policy.Occupancy < 6; i++) f.ConnectInbound(PrivateKey.Generate().PeerId, i);
        var (queried, other) = (PrivateKey.Generate().PeerId, PrivateKey.Generate().PeerId);

        // One ordinary slot is left: the query's slot is granted, then another dial takes the room before the query's dial.
        Assert.True(Assert.IsType<SlotReply>(f.Ledger.Subsystem(dht, new RequestSlot(queried), f.Now)).Granted);
        f.Ledger.RequestDial(other, [Somewhere], 128, f.Now);
        Assert.Single(f.Pump());
        f.Ledger.RequestDial(queried, [Somewhere], 128, f.Now, forQuery: true);

        f.Ledger.PumpDials(f.NewId, f.Now);
        var effects = f.TakeEffects();
        Assert.Empty(effects.OfType<StartDial>());
        var failed = Assert.Single(effects.OfType<DialFailed>());
        Assert.Equal("refused: FriendReserve", failed.Reason);
        Assert.True(failed.RefusedForRoom);
        Assert.Equal(7, f.Ledger.Policy.Occupancy); // the hard cap less the friend reserve
    }

    [Fact]
    public void A_dial_with_no_address_fails_at_once()
    {
        var f = new LedgerFixture();
        f.Ledger.RequestDial(PrivateKey.Generate().PeerId, [], 128, f.Now);
        Assert.Equal("no address to dial", Assert.Single(f.TakeEffects().OfType<DialFailed>()).Reason);
        Assert.Equal(0, f.Ledger.Dials.Queued);
    }

    [Fact]
    public void A_dial_the_host_reports_failed_first_keeps_the_hosts_reason()
    {
        // The host's failure event usually comes before the dial's own return; a friend's reconnect then logged
        // "failed (failed)" without the reason (probe, 1 Dec 2026).
        var f = new LedgerFixture(FastBackoff);
        f.Ledger.RequestDial(PrivateKey.Generate().PeerId, [Somewhere], 128, f.Now);
        var dial = Assert.Single(f.Pump());

        f.Ledger.Failed(dial.Id, f.Now, "Connection refused");
        f.Ledger.DialReturned(dial.Id, null, "Connection refused", f.Now);

        Assert.Equal("Connection refused", Assert.Single(f.TakeEffects().OfType<DialFailed>()).Reason);
    }

    [Fact]
    public void After_a_failed_dial_the_peer_waits_in_the_queue_until_its_backoff_ends()
    {
        var f = new LedgerFixture(FastBackoff);
        var peer = PrivateKey.Generate().PeerId;
        f.Ledger.RequestDial(peer, [Somewhere], 128, f.Now);
        var first = Assert.Single(f.Pump());
        f.Ledger.DialReturned(first.Id, null, "connection refused", f.Now);
        Assert.Equal("connection refused", Assert.Single(f.TakeEffects().OfType<DialFailed>()).Reason);
        Assert.Equal(0, f.Ledger.Policy.PendingOutbound);

        f.Ledger.RequestDial(peer, [Somewhere], 128, f.Now);
        Assert.Empty(f.Pump());
        Assert.Equal((1, 1), (f.Ledger.Dials.Queued, f.Ledger.Dials.Parked));
        f.Now += 1_499;
        Assert.Empty(f.Pump());
        f.Now += 1;
        Assert.Single(f.Pump());
    }

    [Fact]
    public void A_peer_that_said_bye_is_not_dialed_before_its_hint_ends_and_the_one_obligation_is_persisted_clamped()
    {
        var f = new LedgerFixture("connactors.bye.honour-ceiling = 1h");
        var self = PrivateKey.Generate().PeerId;
        var peer = PrivateKey.Generate().PeerId;
        f.Ledger.RemoteBye(peer, new ByeMessage(ByeReason.Trimmed, TimeSpan.FromDays(1), []), self, f.Now);

        var persisted = Assert.Single(f.TakeEffects().OfType<Persist>()).Command;
        Assert.Equal(new RecordByeObligation(peer.ToString(), f.Now + 3_600_000), persisted);
        Assert.True(f.Ledger.Peers.TryGetKey(peer, out var key));
        Assert.Equal(f.Now + 3_600_000, f.Ledger.Dials.Backoff.ByeObligationOf(key, f.Now));

        f.Ledger.RequestDial(peer, [Somewhere], 224, f.Now);
        Assert.Empty(f.Pump());
        f.Now += 3_600_000;
        Assert.Single(f.Pump());
    }

    [Fact]
    public void A_connection_carries_one_bye_a_repeat_on_it_is_ignored_and_one_on_a_connection_already_gone_is_taken()
    {
        var f = new LedgerFixture();
        var peer = PrivateKey.Generate().PeerId;
        var connection = f.ConnectInbound(peer, host: 3);

        Assert.True(f.Ledger.FirstByeOn(connection));
        Assert.False(f.Ledger.FirstByeOn(connection)); // each repeat would persist an obligation and queue alternatives
        Assert.False(f.Ledger.FirstByeOn(connection));
        Assert.True(f.Ledger.FirstByeOn(f.ConnectInbound(peer, host: 3))); // its next connection may say bye again
        Assert.True(f.Ledger.FirstByeOn(f.NewId())); // no record (the close overtook the bye): taken
    }

    [Fact]
    public void A_byes_alternatives_are_dialed_only_at_public_addresses_from_a_peer_on_the_internet()
    {
        var f = new LedgerFixture();
        var self = PrivateKey.Generate().PeerId;
        string[] addresses = ["/ip4/203.0.113.7/tcp/4001", "/ip4/127.0.0.1/tcp/4001", "/ip4/192.168.1.1/tcp/4001", "/ip4/10.0.0.2/tcp/22",
            "/ip6/::1/tcp/4001", "/ip6/fe80::1/tcp/4001", "/ip4/0.0.0.0/tcp/4001", "/dns4/intranet.example/tcp/4001", "/ip6/2001:db8::7/tcp/4001"];
        var alternatives = addresses.Select(a => Multiaddr.Parse(a).WithPeerId(PrivateKey.Generate().PeerId)).ToList();

        // The sender has no connection left on record: it counts as a peer on the internet, the narrowest trust.
        int leftOut = f.Ledger.RemoteBye(PrivateKey.Generate().PeerId, new ByeMessage(ByeReason.Trimmed, TimeSpan.Zero, alternatives), self, f.Now);

        Assert.Equal(7, leftOut);
        var dialed = f.Pump().Select(d => d.Addresses.Single().WithoutPeerId().ToString()).ToHashSet();
        Assert.Equal(new HashSet<string> { alternatives[0].WithoutPeerId().ToString(), alternatives[^1].WithoutPeerId().ToString() }, dialed);
    }

    [Fact]
    public void Byes_may_fill_only_half_the_dial_queue_so_friends_still_get_in()
    {
        var f = new LedgerFixture("""
            connactors.dial.max-queue = 8
            connactors.limits.dial-concurrency = 1
            """);
        var self = PrivateKey.Generate().PeerId;
        int leftOut = 0;
        for (int bye = 0; bye < 3; bye++)
        {
            var alternatives = Enumerable.Range(0, 4).Select(_ => Multiaddr.Parse("/ip4/203.0.113.9/tcp/4001").WithPeerId(PrivateKey.Generate().PeerId)).ToList();
            leftOut += f.Ledger.RemoteBye(PrivateKey.Generate().PeerId, new ByeMessage(ByeReason.Trimmed, TimeSpan.Zero, alternatives), self, f.Now);
        }
        Assert.Equal(4, f.Ledger.Dials.Queued);
        Assert.Equal(8, leftOut);

        var friend = PrivateKey.Generate().PeerId;
        f.Ledger.RequestDial(friend, [Somewhere], (byte)ConnActors.Actors.Manager.DialPriority.Friend, f.Now);
        Assert.Equal(5, f.Ledger.Dials.Queued);
        Assert.Equal(friend, Assert.Single(f.Pump()).Peer); // and, by its priority, it is the first one dialed
    }

    [Fact]
    public void No_more_than_the_in_flight_cap_are_handed_out_until_one_ends()
    {
        var f = new LedgerFixture("connactors.limits.dial-concurrency = 2");
        for (int i = 0; i < 3; i++) f.Ledger.RequestDial(PrivateKey.Generate().PeerId, [Somewhere], 128, f.Now);

        var started = f.Pump();
        Assert.Equal(2, started.Count);
        Assert.Equal((1, 2), (f.Ledger.Dials.Queued, f.Ledger.Dials.InFlight));

        f.Ledger.Failed(started[0].Id, f.Now);
        f.Now += 1_000; // a rate token
        Assert.Single(f.Pump());
        f.Ledger.DialReturned(started[0].Id, null, "late duplicate", f.Now);
        Assert.Equal(2, f.Ledger.Dials.InFlight);
    }

    [Fact]
    public void A_dial_answered_with_a_connection_the_host_already_had_gives_its_slot_back_without_counting_a_failure()
    {
        var f = new LedgerFixture();
        var peer = PrivateKey.Generate().PeerId;
        var existing = f.ConnectInbound(peer, 1);
        f.Ledger.RequestDial(peer, [Somewhere], 128, f.Now);
        var dial = Assert.Single(f.Pump());

        f.Ledger.DialReturned(dial.Id, existing, null, f.Now);

        Assert.Equal(0, f.Ledger.Policy.PendingOutbound);
        Assert.Equal(1, f.Ledger.Policy.Connections);
        Assert.Equal(0, f.Ledger.Policy.FailedDialsPerSecond(f.Now));
        Assert.Empty(f.TakeEffects().OfType<DialFailed>());
    }

    [Fact]
    public void A_direct_host_dial_admitted_at_the_outbound_gate_gives_its_slot_back_when_that_attempt_fails()
    {
        var f = new LedgerFixture();
        var peer = PrivateKey.Generate().PeerId;
        var id = f.NewId();
        Assert.True(f.Ledger.OutboundSecured(id, peer, Somewhere, f.Now).Allowed);
        Assert.Equal(1, f.Ledger.Policy.PendingOutbound);
        Assert.True(f.Ledger.OutboundSecured(id, peer, Somewhere, f.Now).Allowed); // the attempt's second address

        f.Ledger.Failed(id, f.Now);
        f.Ledger.Failed(id, f.Now);

        Assert.Equal(0, f.Ledger.Policy.PendingOutbound);
        Assert.Equal(0, f.Ledger.Connections.Count);
    }
}
