using ConnActors.Policy.Admission;
using ConnActors.Policy.Peers;
using ConnActors.Policy.Tests.Support;

namespace ConnActors.Policy.Tests.Peers;

/// <summary>Records of peers without a connection expire, and their number is bounded.</summary>
public class PeerRecordLifetimeTests
{
    private const long Minute = 60_000;

    [Fact]
    public void A_peer_with_nothing_to_remember_is_forgotten_when_its_last_connection_closes()
    {
        var engine = Engines.Small();
        var forgotten = new List<PeerKey>();
        engine.PeerForgotten = forgotten.Add;
        engine.ConnectInbound(7, 1, 0);
        engine.ConnectionClosed(new PeerKey(7), ConnectionDirection.Inbound, Addresses.V4(7), 1);
        Assert.Equal(0, engine.TrackedPeers);
        Assert.Equal([new PeerKey(7)], forgotten);
    }

    [Fact]
    public void A_tagged_peer_is_kept_for_the_idle_expiry_after_it_disconnects_then_dropped()
    {
        var engine = Engines.Small(records: new PeerRecordSettings { IdleExpiryMs = 10 * Minute });
        var forgotten = new List<PeerKey>();
        engine.PeerForgotten = forgotten.Add;
        engine.ConnectInbound(7, 1, 0);
        engine.SetTag(new PeerKey(7), tag: 1, value: 20, 0);
        engine.ConnectionClosed(new PeerKey(7), ConnectionDirection.Inbound, Addresses.V4(7), Minute);

        engine.Tick(Minute + 10 * Minute - 1);
        Assert.Equal(1, engine.TrackedPeers);
        engine.Tick(Minute + 10 * Minute);
        Assert.Equal(0, engine.TrackedPeers);
        Assert.Equal([new PeerKey(7)], forgotten);
        Assert.Equal(1, engine.DroppedRecords.Expired);
    }

    [Fact]
    public void A_peer_tagged_but_never_connected_expires_too()
    {
        var engine = Engines.Small(records: new PeerRecordSettings { IdleExpiryMs = Minute });
        engine.SetTag(new PeerKey(3), tag: 0, value: 5, 0);
        engine.Lock(new PeerKey(4), untilMs: 10 * Minute, nowMs: 0);
        Assert.Equal(2, engine.TrackedPeers);
        engine.Tick(Minute);
        Assert.Equal(0, engine.TrackedPeers);
    }

    [Fact]
    public void A_penalty_keeps_the_record_for_its_retention_not_longer()
    {
        var engine = Engines.Small(records: new PeerRecordSettings { IdleExpiryMs = Minute });
        long retention = engine.Settings.Scoring.PenaltyRetentionMs;
        engine.Penalize(new PeerKey(9), 150, 0);
        engine.Tick(Minute);
        Assert.Equal(1, engine.TrackedPeers);
        Assert.True(engine.Penalties.PenaltyOf(new PeerKey(9), Minute) > 0);
        engine.Tick(retention);
        Assert.Equal(0, engine.TrackedPeers);
        Assert.Equal(0, engine.Penalties.Count);
    }

    [Fact]
    public void Friends_and_protected_peers_never_expire_and_expire_once_they_are_neither()
    {
        var engine = Engines.Small(records: new PeerRecordSettings { IdleExpiryMs = Minute });
        engine.SetFriend(new PeerKey(1), true, 0);
        engine.SetProtected(new PeerKey(2), true, 0);
        engine.SetTag(new PeerKey(2), 0, 1, 0);
        engine.Tick(100 * Minute);
        Assert.Equal(2, engine.TrackedPeers);
        Assert.Equal(2, engine.PrivilegedPeers);
        engine.SetFriend(new PeerKey(1), false, 100 * Minute);
        engine.SetProtected(new PeerKey(2), false, 100 * Minute);
        Assert.Equal(1, engine.TrackedPeers); // the tag keeps peer 2 for the idle expiry
        engine.Tick(101 * Minute);
        Assert.Equal(0, engine.TrackedPeers);
        Assert.Equal(0, engine.PrivilegedPeers);
    }

    [Fact]
    public void At_the_bound_the_record_that_would_expire_soonest_makes_room_and_privileged_ones_stay()
    {
        // Hard cap 40: the bound is at least 80 records.
        var engine = Engines.Small(records: new PeerRecordSettings { IdleExpiryMs = 100 * Minute, MaxRecords = 80 });
        var forgotten = new List<PeerKey>();
        engine.PeerForgotten = forgotten.Add;
        for (int p = 0; p < 10; p++) engine.SetFriend(new PeerKey(1000 + p), true, 0);
        for (int p = 0; p < 70; p++) engine.SetTag(new PeerKey(p), 0, 1, p);
        Assert.Equal(80, engine.TrackedPeers);

        engine.SetTag(new PeerKey(500), 0, 1, 100);
        engine.ConnectInbound(600, 1, 101);

        Assert.Equal(80, engine.TrackedPeers);
        Assert.Equal([new PeerKey(0), new PeerKey(1)], forgotten);
        Assert.Equal(2, engine.DroppedRecords.Evicted);
        Assert.NotNull(engine.View(new PeerKey(1000), 101));
        Assert.NotNull(engine.View(new PeerKey(600), 101));
    }

    [Fact]
    public void Privileged_peers_are_refused_once_they_would_crowd_out_connected_ones()
    {
        var engine = Engines.Small(records: new PeerRecordSettings { MaxRecords = 80 });
        int room = 80 - engine.Settings.Limits.HardCap;
        for (int p = 0; p < room; p++)
        {
            Assert.True(engine.CanHoldAnotherPrivilegedPeer);
            engine.SetFriend(new PeerKey(p), true, 0);
        }
        Assert.False(engine.CanHoldAnotherPrivilegedPeer);
    }

    [Fact]
    public void The_bound_is_validated_against_the_hard_cap()
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => Engines.Small(records: new PeerRecordSettings { MaxRecords = 79 }));
        Assert.Equal("peers.max-records", error.Key);
    }
}
