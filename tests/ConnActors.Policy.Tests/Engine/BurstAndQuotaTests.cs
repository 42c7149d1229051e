using ConnActors.Policy.Admission;
using ConnActors.Policy.Bursts;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Engine;

public class BurstAndQuotaTests
{
    [Fact]
    public void A_burst_over_high_water_is_absorbed_then_releases_the_connections_it_opened()
    {
        var engine = Engines.Small(hardCap: 100);
        var limits = engine.Settings.Limits;
        engine.ConnectInbound(0, limits.HighWater - 5, 0);
        var burst = engine.BeginBurst(600_000);
        engine.Enlist(burst, new PeerKey(0));                                        // connected before the burst
        for (int i = 0; i < 10; i++)
        {
            var peer = new PeerKey(1_000 + i);
            engine.Enlist(burst, peer);
            Assert.True(engine.AdmitOutbound(peer, Addresses.V4(1_000 + i), 600_000).Admitted);
        }
        engine.SetTag(new PeerKey(1_009), tag: 1, value: 20, 600_000);                 // now a mesh peer too
        Assert.True(engine.Connections >= limits.HighWater);
        Assert.Equal(11, engine.ActiveBurstConnections);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(600_100)); // in use: no trim, no redial

        var released = new List<PeerKey>();
        engine.EndBurst(burst, 600_300, released);
        Assert.Equal(Enumerable.Range(1_000, 9).Select(i => new PeerKey(i)), released.OrderBy(p => p.Value));
        Assert.Equal(9, engine.Closing);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(600_300));
    }

    [Fact]
    public void A_burst_releases_nothing_at_or_below_low_water_or_without_the_burst_model()
    {
        foreach (bool burstModel in new[] { true, false })
        {
            var engine = new ConnectionManagerPolicy(Engines.Small(hardCap: 100).Settings with { Features = V2Features.All with { BurstModel = burstModel } });
            var limits = engine.Settings.Limits;
            int before = burstModel ? limits.LowWater - 10 : limits.HighWater - 5;
            engine.ConnectInbound(0, before, 0);
            var burst = engine.BeginBurst(1_000);
            for (int i = 0; i < 10; i++)
            {
                engine.Enlist(burst, new PeerKey(1_000 + i));
                engine.AdmitOutbound(new PeerKey(1_000 + i), Addresses.V4(1_000 + i), 1_000);
            }
            var released = new List<PeerKey>();
            engine.EndBurst(burst, 2_000, released);
            Assert.Empty(released);
        }
    }

    [Fact]
    public void A_burst_lets_go_of_a_peer_early_and_releases_it_only_if_it_opened_it_and_nothing_else_uses_it()
    {
        var engine = Engines.Small(hardCap: 100);
        var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(0), QuotaAmount.Slots(50))).Id;
        engine.ConnectInbound(0, engine.Settings.Limits.HighWater - 5, 0);
        var burst = engine.BeginBurst(600_000);
        var other = engine.BeginBurst(600_000);
        for (int i = 0; i < 4; i++)
        {
            var peer = new PeerKey(1_000 + i);
            engine.Enlist(burst, peer);
            Assert.True(engine.AdmitOutbound(peer, Addresses.V4(1_000 + i), 600_000).Admitted);
        }
        engine.Enlist(burst, new PeerKey(0));                                            // connected before the burst
        engine.Enlist(other, new PeerKey(1_001));                                        // in another burst too
        Assert.True(engine.RequestSlot(dht, new PeerKey(1_002), 600_000).IsGranted);     // a subsystem holds it
        int active = engine.ActiveBurstConnections;

        var released = new List<PeerKey>();
        foreach (int p in new[] { 1_000, 1_001, 1_002, 0 }) engine.LeaveBurst(burst, new PeerKey(p), 600_100, released);
        Assert.Equal([new PeerKey(1_000)], released);
        Assert.Equal(1, engine.Closing);
        Assert.Equal(active - 3, engine.ActiveBurstConnections);                          // 1,001 is still in the other burst

        engine.LeaveBurst(burst, new PeerKey(1_000), 600_200, released);                  // no longer a member: nothing
        engine.EndBurst(burst, 600_300, released);                                         // 1,003 is all that is left
        Assert.Equal([new PeerKey(1_000), new PeerKey(1_003)], released);
    }

    [Fact]
    public void A_burst_that_would_overflow_the_cap_is_not_absorbed()
    {
        var engine = Engines.Small(hardCap: 100);
        engine.ConnectInbound(0, engine.Settings.Limits.HighWater - 1, 0);
        var burst = engine.BeginBurst();
        for (int i = 0; i < 3; i++)
        {
            engine.Enlist(burst, new PeerKey(1_000 + i));
            engine.AdmitOutbound(new PeerKey(1_000 + i), Addresses.V4(1_000 + i), 0);
        }
        // Many arrivals recently: the prediction no longer fits below the hard cap.
        for (int i = 0; i < 200; i++) engine.Arrivals.RecordArrival(ConnectionDirection.Inbound, 0);
        Assert.Equal(RegulationTrigger.HighWater, engine.CheckRegulation(0));
    }

    [Fact]
    public void The_arrival_model_tracks_rates_and_flags_spikes()
    {
        var model = new ArrivalModel(BurstSettings.Default);
        for (long t = 0; t < 600_000; t += 1_000) model.RecordArrival(ConnectionDirection.Outbound, t); // 1/s for 10 min
        Assert.InRange(model.LongRatePerSecond(600_000), 0.9, 1.1);
        Assert.False(model.IsSpike(600_000));
        Assert.InRange(model.ExpectedArrivals(600_000), 14, 17);
        for (int i = 0; i < 100; i++) model.RecordArrival(ConnectionDirection.Inbound, 600_100);
        Assert.True(model.IsSpike(600_100));
    }

    [Fact]
    public void A_spike_near_high_water_starts_an_early_round()
    {
        var engine = Engines.Small(hardCap: 100);
        engine.ConnectInbound(0, engine.Settings.Limits.HighWater - 3, 0);
        Assert.Equal(RegulationTrigger.ArrivalSpike, engine.CheckRegulation(0)); // 82 arrivals at once
    }

    [Fact]
    public void A_subsystem_below_its_reservation_reclaims_a_borrowed_slot_when_the_node_is_full()
    {
        var engine = Engines.Small(hardCap: 40, trim: new TrimSettings { GracePeriodMs = 0 });
        var ordinaryCap = engine.Settings.Limits.HardCap - engine.Settings.Limits.FriendReserve;
        var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(5), QuotaAmount.Share(1))).Id;
        var pubsub = engine.Enroll(new QuotaRequest("pubsub", QuotaAmount.Slots(6), QuotaAmount.Slots(10))).Id;
        for (int i = 0; i < ordinaryCap; i++)
        {
            Assert.True(engine.RequestSlot(i < ordinaryCap - 1 ? dht : pubsub, new PeerKey(i), 0).IsGranted);
            Assert.True(engine.AdmitOutbound(new PeerKey(i), Addresses.V4(i), 0).Admitted);
        }
        Assert.Equal(SlotOutcome.DeniedNoCapacity, engine.RequestSlot(dht, new PeerKey(999), 1).Outcome); // no peer is unassigned

        var reclaim = engine.RequestSlot(pubsub, new PeerKey(100), 1);
        Assert.Equal(SlotOutcome.GrantedAfterReclaim, reclaim.Outcome);
        Assert.InRange(reclaim.Victim.Value, 0, ordinaryCap - 1);
        Assert.True(engine.View(reclaim.Victim, 1)!.IsClosing);
        engine.ConnectionClosed(reclaim.Victim, ConnectionDirection.Outbound, Addresses.V4(reclaim.Victim.Value), 1);
        Assert.True(engine.AdmitOutbound(new PeerKey(100), Addresses.V4(100), 1).Admitted);
        Assert.Equal(2, engine.Quotas.UsageOf(pubsub).Used);
    }

    [Fact]
    public void A_subsystem_above_its_reservation_evicts_an_unassigned_peer_when_the_node_is_full()
    {
        var engine = Engines.Small(hardCap: 40, trim: new TrimSettings { GracePeriodMs = 0 });
        var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(2), QuotaAmount.Share(1))).Id;
        var app = engine.Enroll(new QuotaRequest("app", QuotaAmount.Slots(0), QuotaAmount.Slots(10))).Id;
        var ordinaryCap = engine.Settings.Limits.HardCap - engine.Settings.Limits.FriendReserve;
        const int unassigned = 3;
        for (int i = 0; i < ordinaryCap; i++)
        {
            if (i >= unassigned) Assert.True(engine.RequestSlot(dht, new PeerKey(i), 0).IsGranted);
            Assert.True(engine.AdmitOutbound(new PeerKey(i), Addresses.V4(i), 0).Admitted);
        }
        engine.RecordSignal(new PeerKey(0), Policy.Scoring.UsefulnessSignal.StreamOpened, 5, 0);

        for (int request = 0; request < unassigned; request++)
        {
            var peer = new PeerKey(1_000 + request);
            var decision = engine.RequestSlot(dht, peer, 1);
            Assert.Equal(SlotOutcome.Borrowed, decision.Outcome);
            Assert.True(decision.HasVictim);
            Assert.InRange(decision.Victim.Value, 0, unassigned - 1);
            Assert.True(engine.View(decision.Victim, 1)!.IsClosing);
            engine.ConnectionClosed(decision.Victim, ConnectionDirection.Outbound, Addresses.V4(decision.Victim.Value), 1);
            Assert.True(engine.AdmitOutbound(peer, Addresses.V4(1_000 + request), 1).Admitted);
            if (request < unassigned - 1) Assert.NotEqual(0, decision.Victim.Value); // the useful unassigned peer goes last
        }

        Assert.Equal(SlotOutcome.DeniedNoCapacity, engine.RequestSlot(app, new PeerKey(2_000), 1).Outcome); // nothing unassigned is left
    }

    [Fact]
    public void Claims_on_a_connected_peer_cost_no_connection_and_are_released_when_it_leaves()
    {
        var engine = Engines.Small();
        var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(1), QuotaAmount.Slots(2))).Id;
        var pubsub = engine.Enroll(new QuotaRequest("pubsub", QuotaAmount.Slots(1), QuotaAmount.Slots(2))).Id;
        engine.ConnectInbound(0, 1, 0);
        Assert.Equal(SlotOutcome.Granted, engine.RequestSlot(dht, new PeerKey(0), 0).Outcome);
        Assert.Equal(SlotOutcome.Granted, engine.RequestSlot(dht, new PeerKey(0), 0).Outcome); // idempotent
        Assert.Equal(SlotOutcome.Granted, engine.RequestSlot(pubsub, new PeerKey(0), 0).Outcome);
        Assert.Equal(1, engine.Quotas.UsageOf(dht).Used);
        engine.ConnectionClosed(new PeerKey(0), ConnectionDirection.Inbound, Addresses.V4(0), 0);
        Assert.Equal(0, engine.Quotas.UsageOf(dht).Used);
        Assert.Equal(0, engine.Quotas.UsageOf(pubsub).Used);
        Assert.Equal(0, engine.TrackedPeers);
    }
}

public class AblationTests
{
    [Fact]
    public void Without_the_burst_model_running_bursts_are_trimmed_like_anything_else()
    {
        var features = new ConnActors.Policy.Engine.V2Features { BurstModel = false };
        var limits = ConnActors.Policy.Limits.ConnectionLimits.DerivedFrom(100);
        var engine = new ConnActors.Policy.Engine.ConnectionManagerPolicy(new ConnActors.Policy.Engine.PolicySettings
        {
            Limits = limits,
            Trim = new TrimSettings { GracePeriodMs = 0 },
            Features = features,
        });
        engine.ConnectInbound(0, limits.HighWater - 5, 0);
        var burst = engine.BeginBurst();
        for (int i = 0; i < 10; i++)
        {
            engine.Enlist(burst, new PeerKey(1_000 + i));
            engine.AdmitOutbound(new PeerKey(1_000 + i), Addresses.V4(1_000 + i), 600_000);
        }
        Assert.Equal(RegulationTrigger.HighWater, engine.CheckRegulation(600_100));
        var plan = new TrimPlan();
        engine.PlanTrim(600_100, plan);
        Assert.Equal(limits.HighWater + 5 - limits.LowWater, plan.ConnectionsClosed); // one round: all at once
    }

    [Fact]
    public void Eager_scoring_costs_work_proportional_to_peers_and_lazy_scoring_costs_none()
    {
        var lazy = Engines.Small(hardCap: 200);
        var eager = new ConnActors.Policy.Engine.ConnectionManagerPolicy(lazy.Settings with { Features = new ConnActors.Policy.Engine.V2Features { LazyScoring = false } });
        lazy.ConnectInbound(0, 100, 0);
        eager.ConnectInbound(0, 100, 0);
        long lazyBefore = lazy.WorkUnits, eagerBefore = eager.WorkUnits;
        for (long minute = 1; minute <= 10; minute++)
        {
            lazy.Tick(minute * 60_000);
            eager.Tick(minute * 60_000);
        }
        Assert.Equal(lazyBefore, lazy.WorkUnits);
        Assert.Equal(10 * 100 * 5, eager.WorkUnits - eagerBefore);
    }
}

public class FollowUpTests
{
    [Fact]
    public void A_follow_up_no_longer_needed_is_cleared()
    {
        // Every connection is in grace: the round closes nothing and follows up when grace ends.
        var engine = Engines.Small(hardCap: 400, trim: new TrimSettings { GracePeriodMs = 30_000, GraceMaxCount = 400 });
        engine.ConnectInbound(0, engine.Settings.Limits.HighWater, 0);
        var plan = new TrimPlan();
        engine.PlanTrim(1_000, plan);
        Assert.Empty(plan.Victims);
        Assert.Equal(30_000, plan.FollowUpAtMs);
        // The excess leaves by itself before then: low water is reached without the follow-up.
        for (int i = 0; i < engine.Settings.Limits.HighWater; i++)
        {
            if (engine.Connections <= engine.Settings.Limits.LowWater) break;
            engine.ConnectionClosed(new PeerKey(i), ConnActors.Policy.Admission.ConnectionDirection.Inbound, Addresses.V4(i), 2_000);
        }
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(plan.FollowUpAtMs!.Value + 1));
        Assert.Equal(long.MaxValue, engine.FollowUpAtMs);
    }
}

public class SpikeTests
{
    [Fact]
    public void Our_own_dials_are_not_a_spike_that_trims_them()
    {
        var engine = Engines.Small(hardCap: 100);
        engine.ConnectInbound(0, engine.Settings.Limits.HighWater - 25, 0);
        for (int i = 0; i < 20; i++) Assert.True(engine.AdmitOutbound(new PeerKey(1_000 + i), Addresses.V4(1_000 + i), 600_000).Admitted);
        Assert.False(engine.Arrivals.IsSpike(600_000));
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(600_000));
    }
}
