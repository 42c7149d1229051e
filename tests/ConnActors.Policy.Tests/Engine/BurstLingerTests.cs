using ConnActors.Policy.Quotas;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;
using CsCheck;

namespace ConnActors.Policy.Tests.Engine;

/// <summary>Short-lived query connections go once their burst is over, even far below high water.</summary>
public class BurstLingerTests
{
    private static Policy.Engine.ConnectionManagerPolicy Engine(long lingerMs = 10_000) =>
        Engines.Small(hardCap: 100, trim: new TrimSettings { GracePeriodMs = 30_000, BurstLingerMs = lingerMs });

    [Fact]
    public void Finished_burst_peers_close_after_the_linger_time_and_claimed_or_busy_ones_stay()
    {
        var engine = Engine();
        var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(0), QuotaAmount.Share(0.6))).Id;
        var burst = engine.BeginBurst();
        for (int i = 0; i < 6; i++)
        {
            var peer = new PeerKey(i);
            engine.Enlist(burst, peer);
            Assert.True(engine.AdmitOutbound(peer, Addresses.V4(i), 0).Admitted);
        }
        Assert.True(engine.RequestSlot(dht, new PeerKey(0), 100).IsGranted); // a routing-table peer: claimed
        var second = engine.BeginBurst();
        engine.Enlist(second, new PeerKey(1)); // still in use by another lookup
        engine.EndBurst(burst, 1_000);

        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(10_999));
        Assert.Equal(RegulationTrigger.BurstLinger, engine.CheckRegulation(11_000));
        var plan = new TrimPlan();
        engine.PlanTrim(11_000, plan);
        Assert.Equal([2, 3, 4, 5], plan.Victims.Select(v => v.Peer.Value).Order());
        Assert.All(plan.Victims, v => Assert.Equal(TrimReason.FinishedBurst, v.Reason));
        engine.CarryOut(plan, 11_000);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(11_000));

        engine.EndBurst(second, 20_000);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(29_999));
        engine.PlanTrim(30_000, plan);
        Assert.Equal([1], plan.Victims.Select(v => v.Peer.Value));
    }

    [Fact]
    public void The_next_due_time_is_when_a_finished_bursts_linger_ends_or_the_next_periodic_check_if_it_has_ended()
    {
        var engine = Engine();
        Assert.Equal(long.MaxValue, engine.NextDueMs(0, 1_000));
        var burst = engine.BeginBurst();
        engine.Enlist(burst, new PeerKey(1));
        Assert.True(engine.AdmitOutbound(new PeerKey(1), Addresses.V4(1), 0).Admitted);
        Assert.Equal(long.MaxValue, engine.NextDueMs(500, 1_000)); // running: nothing lingers yet
        engine.EndBurst(burst, 1_000);
        Assert.Equal(11_000, engine.NextDueMs(1_000, 1_000));
        Assert.Equal(13_000, engine.NextDueMs(12_000, 1_000)); // ended, not yet closed: at the next periodic check
        var plan = new TrimPlan();
        engine.PlanTrim(12_000, plan);
        engine.CarryOut(plan, 12_000);
        Assert.Equal(long.MaxValue, engine.NextDueMs(12_000, 1_000));
    }

    [Fact]
    public void Due_peers_go_in_a_round_another_trigger_started_though_grace_would_spare_them_there()
    {
        // Hard cap 100 (high water 85, low water 70): 80 claimed peers, then 6 of a lookup that ended at 6 s. At 16 s
        // their linger is over, but all 86 are within the 30 s grace and the 6 are the newest, so the high-water round
        // alone (which takes only the oldest past grace's bound of 10) would keep them while high water holds.
        var engine = Engine();
        var app = engine.Enroll(new QuotaRequest("app", QuotaAmount.Slots(0), QuotaAmount.Share(0.9))).Id;
        for (int i = 0; i < 80; i++)
        {
            Assert.True(engine.AdmitOutbound(new PeerKey(i), Addresses.V4(i), 0).Admitted);
            Assert.True(engine.RequestSlot(app, new PeerKey(i), 0).IsGranted);
        }
        var burst = engine.BeginBurst();
        for (int i = 80; i < 86; i++)
        {
            engine.Enlist(burst, new PeerKey(i));
            Assert.True(engine.AdmitOutbound(new PeerKey(i), Addresses.V4(i), 5_000).Admitted);
        }
        engine.EndBurst(burst, 6_000);

        Assert.Equal(RegulationTrigger.HighWater, engine.CheckRegulation(16_000));
        var plan = new TrimPlan();
        engine.PlanTrim(16_000, plan);
        Assert.Equal(RegulationTrigger.HighWater, plan.Trigger);
        Assert.Equal(86, plan.CountBefore);
        Assert.Equal([80, 81, 82, 83, 84, 85], plan.Victims.Where(v => v.Reason == TrimReason.FinishedBurst).Select(v => v.Peer.Value).Order());
        Assert.Equal(10, plan.Victims.Count(v => v.Reason != TrimReason.FinishedBurst)); // the rest of the way to low water
        engine.CarryOut(plan, 16_000);
        Assert.Equal(70, engine.Connections);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(16_000));
    }

    [Fact]
    public void Every_due_peer_goes_in_one_round_with_no_round_budget()
    {
        // 30 finished-burst peers at hard cap 100: six times the old smoothed budget of 5, below low water.
        var engine = Engine();
        var burst = engine.BeginBurst();
        for (int i = 0; i < 30; i++)
        {
            engine.Enlist(burst, new PeerKey(i));
            Assert.True(engine.AdmitOutbound(new PeerKey(i), Addresses.V4(i), 0).Admitted);
        }
        engine.EndBurst(burst, 1_000);
        var plan = new TrimPlan();
        engine.PlanTrim(11_000, plan);
        Assert.Equal(RegulationTrigger.BurstLinger, plan.Trigger);
        Assert.Equal(30, plan.Victims.Count);
        Assert.All(plan.Victims, v => Assert.Equal(TrimReason.FinishedBurst, v.Reason));
        engine.CarryOut(plan, 11_000);
        Assert.Equal(0, engine.Connections);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(11_000));
    }

    [Fact]
    public void Off_by_default_as_the_simulator_runs_it()
    {
        var engine = Engine(lingerMs: 0);
        var burst = engine.BeginBurst();
        engine.Enlist(burst, new PeerKey(1));
        engine.AdmitOutbound(new PeerKey(1), Addresses.V4(1), 0);
        engine.EndBurst(burst, 0);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(3_600_000));
        Assert.Equal(0, Policy.Trimming.TrimSettings.Default.BurstLingerMs);
    }

    [Fact]
    public void Only_unclaimed_peers_of_finished_bursts_ever_linger_out() =>
        Gen.Select(Gen.Int[0, 3].Array[1, 120], Gen.Int[0, 1_000_000]).Sample((ops, seed) =>
        {
            var engine = Engine(lingerMs: 1_000);
            var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(0), QuotaAmount.Share(0.6))).Id;
            var random = new Random(seed);
            var bursts = new List<Policy.Bursts.BurstId>();
            long now = 0;
            var plan = new TrimPlan();
            foreach (int op in ops)
            {
                now += random.Next(0, 800);
                var peer = new PeerKey(random.Next(0, 20));
                switch (op)
                {
                    case 0:
                        var b = engine.BeginBurst();
                        bursts.Add(b);
                        engine.Enlist(b, peer);
                        if (engine.View(peer, now) is not { } v || v.Inbound + v.Outbound == 0) engine.AdmitOutbound(peer, Addresses.V4(peer.Value), now);
                        break;
                    case 1 when bursts.Count > 0:
                        int i = random.Next(bursts.Count);
                        engine.EndBurst(bursts[i], now);
                        bursts.RemoveAt(i);
                        break;
                    case 2:
                        engine.RequestSlot(dht, peer, now);
                        break;
                    default:
                        if (engine.CheckRegulation(now) != RegulationTrigger.BurstLinger) break;
                        engine.PlanTrim(now, plan);
                        foreach (var victim in plan.Victims)
                        {
                            var view = engine.View(victim.Peer, now)!;
                            Assert.False(view.InActiveBurst);
                            Assert.Equal(0u, view.SubsystemClaims);
                        }
                        engine.CarryOut(plan, now);
                        break;
                }
            }
        });
}
