using ConnActors.Policy.Admission;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Tests.Support;

namespace ConnActors.Policy.Tests.Engine;

public class AdmissionTests
{
    [Fact]
    public void Inbound_stops_before_the_reserves_and_outbound_still_gets_its_reserve()
    {
        var engine = Engines.Small(hardCap: 40); // outbound reserve 4, friend reserve 2
        var limits = engine.Settings.Limits;
        int admitted = 0;
        for (int i = 0; i < 100; i++)
        {
            if (engine.AdmitInbound(new PeerKey(i), Addresses.V4(i), 0).Admitted) admitted++;
        }
        Assert.Equal(limits.MaxInbound - limits.FriendReserve, admitted);
        for (int i = 0; i < limits.OutboundReserve; i++)
            Assert.True(engine.AdmitOutbound(new PeerKey(1_000 + i), Addresses.V4(1_000 + i), 0).Admitted);
        Assert.Equal(RefusalReason.FriendReserve, engine.AdmitOutbound(new PeerKey(2_000), Addresses.V4(2_000), 0).Reason);
    }

    [Fact]
    public void Friends_use_the_friend_reserve_up_to_the_hard_cap_and_never_beyond()
    {
        var engine = Engines.Small(hardCap: 40);
        engine.ConnectInbound(0, engine.Settings.Limits.MaxInbound - engine.Settings.Limits.FriendReserve, 0);
        for (int i = 0; i < engine.Settings.Limits.OutboundReserve; i++)
            Assert.True(engine.AdmitOutbound(new PeerKey(500 + i), Addresses.V4(500 + i), 0).Admitted);
        for (int i = 0; i < 10; i++) engine.SetFriend(new PeerKey(900 + i), true, 0);
        int friendsAdmitted = Enumerable.Range(900, 10).Count(i => engine.AdmitOutbound(new PeerKey(i), Addresses.V4(i), 0).Admitted);
        Assert.Equal(engine.Settings.Limits.FriendReserve, friendsAdmitted);
        Assert.Equal(engine.Settings.Limits.HardCap, engine.Occupancy);
        Assert.Equal(RefusalReason.HardCap, engine.AdmitOutbound(new PeerKey(950), Addresses.V4(950), 0).Reason);
    }

    [Fact]
    public void Pending_handshakes_hold_slots_and_are_capped()
    {
        var engine = new ConnectionManagerPolicy(new PolicySettings { Limits = ConnectionLimits.DerivedFrom(40) with { MaxPendingHandshakes = 3 } });
        for (int i = 0; i < 3; i++) Assert.True(engine.CheckInboundAddress(Addresses.V4(i), 0).Admitted);
        Assert.Equal(RefusalReason.PendingHandshakes, engine.CheckInboundAddress(Addresses.V4(9), 0).Reason);
        Assert.Equal(3, engine.Occupancy);
        engine.AbortInboundHandshake(Addresses.V4(0));
        Assert.True(engine.CompleteInboundHandshake(new PeerKey(1), Addresses.V4(1), 0).Admitted);
        Assert.Equal(2, engine.Occupancy);
        Assert.Equal(1, engine.Connections);
    }

    [Fact]
    public void Per_ipv4_address_cap_and_rate_apply()
    {
        var subnets = new SubnetLimits { MaxPerIPv4 = 2, InboundBurst = 3, InboundRatePerSecond = 1 };
        var engine = new ConnectionManagerPolicy(new PolicySettings { Limits = ConnectionLimits.DerivedFrom(100, subnets) });
        var address = Addresses.V4(7);
        Assert.True(engine.AdmitInbound(new PeerKey(1), address, 0).Admitted);
        Assert.True(engine.AdmitInbound(new PeerKey(2), address, 0).Admitted);
        Assert.Equal(RefusalReason.SubnetCap, engine.AdmitInbound(new PeerKey(3), address, 0).Reason);
        engine.ConnectionClosed(new PeerKey(1), ConnectionDirection.Inbound, address, 0);
        Assert.True(engine.AdmitInbound(new PeerKey(3), address, 0).Admitted);   // third token
        engine.ConnectionClosed(new PeerKey(3), ConnectionDirection.Inbound, address, 0);
        Assert.Equal(RefusalReason.SubnetRate, engine.AdmitInbound(new PeerKey(4), address, 10).Reason);
        Assert.True(engine.AdmitInbound(new PeerKey(4), address, 1_010).Admitted); // refilled after a second
    }

    [Fact]
    public void Ipv6_caps_apply_per_slash56_and_per_slash48()
    {
        var subnets = new SubnetLimits { MaxPerIPv6Slash56 = 2, MaxPerIPv6Slash48 = 3, InboundBurst = 100 };
        var engine = new ConnectionManagerPolicy(new PolicySettings { Limits = ConnectionLimits.DerivedFrom(100, subnets) });
        Assert.True(engine.AdmitInbound(new PeerKey(1), Addresses.V6(1, 1, 1), 0).Admitted);
        Assert.True(engine.AdmitInbound(new PeerKey(2), Addresses.V6(1, 1, 2), 0).Admitted);
        Assert.Equal(RefusalReason.SubnetCap, engine.AdmitInbound(new PeerKey(3), Addresses.V6(1, 1, 3), 0).Reason);
        Assert.True(engine.AdmitInbound(new PeerKey(3), Addresses.V6(1, 2, 3), 0).Admitted);
        Assert.Equal(RefusalReason.WideSubnetCap, engine.AdmitInbound(new PeerKey(4), Addresses.V6(1, 3, 4), 0).Reason);
        Assert.True(engine.AdmitInbound(new PeerKey(4), Addresses.V6(2, 3, 4), 0).Admitted);
    }

    [Fact]
    public void Loopback_is_exempt_from_subnet_limits_by_default()
    {
        var engine = new ConnectionManagerPolicy(new PolicySettings { Limits = ConnectionLimits.DerivedFrom(100, new SubnetLimits { MaxPerIPv4 = 1 }) });
        var loopback = RemoteAddress.From(System.Net.IPAddress.Loopback);
        Assert.True(loopback.IsLoopback);
        for (int i = 0; i < 5; i++) Assert.True(engine.AdmitInbound(new PeerKey(i), loopback, 0).Admitted);
    }

    [Fact]
    public void Ipv4_mapped_ipv6_counts_as_its_ipv4_address()
    {
        var mapped = RemoteAddress.From(System.Net.IPAddress.Parse("::ffff:198.18.0.9"));
        Assert.False(mapped.IsIPv6);
        Assert.Equal(Addresses.V4(9), mapped);
        Assert.Equal("198.18.0.9", mapped.ToString());
    }

    [Fact]
    public void Per_peer_cap_counts_pending_dials()
    {
        var engine = Engines.Small(hardCap: 40); // max per peer 4
        var peer = new PeerKey(1);
        for (int i = 0; i < 4; i++) Assert.True(engine.BeginOutbound(peer, Addresses.V4(1), 0).Admitted);
        Assert.Equal(RefusalReason.PerPeerCap, engine.BeginOutbound(peer, Addresses.V4(1), 0).Reason);
        engine.CompleteOutbound(peer, success: false, 0);
        Assert.True(engine.BeginOutbound(peer, Addresses.V4(1), 0).Admitted);
    }

    [Fact]
    public void A_barred_peer_is_refused_after_its_handshake_and_its_penalty_is_remembered_after_it_leaves()
    {
        var engine = Engines.Small();
        var peer = new PeerKey(5);
        engine.ConnectInbound(5, 1, 0);
        engine.Penalize(peer, 150, 0);
        engine.ConnectionClosed(peer, ConnectionDirection.Inbound, Addresses.V4(5), 0);
        Assert.Equal(0, engine.View(peer, 0)!.Inbound); // the record is kept for its penalty
        Assert.Equal(RefusalReason.Denied, engine.AdmitInbound(peer, Addresses.V4(5), 1_000).Reason);
        Assert.Equal(0, engine.PendingInbound);
        // After two half-lives (1 h each) the penalty (150 -> 37.5) no longer bars the peer.
        Assert.True(engine.AdmitInbound(peer, Addresses.V4(5), 2 * 3_600_000 + 1_000).Admitted);
    }

    [Fact]
    public void Reports_about_nothing_the_policy_holds_are_ignored_and_counted_never_thrown()
    {
        var engine = Engines.Small();
        engine.AdmitInbound(new PeerKey(2), Addresses.V4(2), 0);

        engine.ConnectionClosed(new PeerKey(1), ConnectionDirection.Inbound, Addresses.V4(1), 0);
        engine.ConnectionClosed(new PeerKey(2), ConnectionDirection.Outbound, Addresses.V4(2), 0);
        engine.AbortInboundHandshake(Addresses.V4(1));
        engine.CompleteOutbound(new PeerKey(1), true, 0);

        Assert.Equal(4, engine.IgnoredReports);
        Assert.Equal(1, engine.Connections);
        Assert.Equal(0, engine.PendingInbound + engine.PendingOutbound);
        engine.ConnectionClosed(new PeerKey(2), ConnectionDirection.Inbound, Addresses.V4(2), 0);
        engine.ConnectionClosed(new PeerKey(2), ConnectionDirection.Inbound, Addresses.V4(2), 0);
        Assert.Equal(0, engine.Connections);
        Assert.Equal(5, engine.IgnoredReports);
    }

    [Fact]
    public void Steady_state_admission_does_not_allocate()
    {
        var engine = Engines.Small(hardCap: 200);
        engine.ConnectInbound(0, 100, 0);
        var address = Addresses.V4(5_000);
        for (int i = 0; i < 100; i++) Cycle(engine, address, i); // warm up dictionaries
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++) Cycle(engine, address, i);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Cycle(ConnectionManagerPolicy engine, RemoteAddress address, long now)
        {
            var peer = new PeerKey(5_000);
            Assert.True(engine.CheckInboundAddress(address, now).Admitted);
            Assert.True(engine.CompleteInboundHandshake(peer, address, now).Admitted);
            engine.ConnectionClosed(peer, ConnectionDirection.Inbound, address, now);
        }
    }
}

public class ByeEnforcementTests
{
    [Fact]
    public void A_peer_that_redials_inside_our_bye_backoff_is_refused_and_penalized()
    {
        var engine = Engines.Small();
        var peer = new PeerKey(9);
        engine.RecordByeSent(peer, untilMs: 60_000, nowMs: 0);
        Assert.Equal(RefusalReason.Backoff, engine.AdmitInbound(peer, Addresses.V4(9), 1_000).Reason);
        Assert.True(engine.Penalties.PenaltyOf(peer, 1_000) > 0);
        Assert.True(engine.AdmitInbound(peer, Addresses.V4(9), 60_001).Admitted);
    }

    [Fact]
    public void Friends_are_never_refused_for_a_bye()
    {
        var engine = Engines.Small();
        var peer = new PeerKey(9);
        engine.SetFriend(peer, true, 0);
        engine.RecordByeSent(peer, 60_000, 0);
        Assert.True(engine.AdmitInbound(peer, Addresses.V4(9), 1_000).Admitted);
    }
}

public class TokenBucketTests
{
    [Fact]
    public void A_take_succeeds_exactly_when_the_bucket_says_a_token_is_due()
    {
        var random = new DeterministicRandom(11);
        for (int round = 0; round < 1_000; round++)
        {
            double rate = random.NextDouble(0.01, 50);
            var bucket = new ConnActors.Policy.Rates.TokenBucket(rate, 1 + random.Next(5), 0);
            long now = random.Next(1_000);
            while (bucket.TryTake(now)) { }
            long wait = bucket.MillisecondsUntilToken(now);
            Assert.True(wait > 0);
            Assert.False(bucket.TryTake(now + wait - 1), $"rate {rate}: token available before the announced {wait} ms");
            Assert.True(bucket.TryTake(now + wait), $"rate {rate}: no token at the announced {wait} ms");
        }
    }
}
