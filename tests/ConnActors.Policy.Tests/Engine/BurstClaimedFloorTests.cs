using ConnActors.Policy.Quotas;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;
using CsCheck;

namespace ConnActors.Policy.Tests.Engine;

/// <summary>
/// A round above high water takes claimed (long-lived) peers only down to low water plus the connections of running
/// bursts: a lookup's query connections, which leave when it ends, never push out routing-table, pubsub or app peers.
/// </summary>
public class BurstClaimedFloorTests
{
    [Fact]
    public void A_running_lookup_over_high_water_costs_claimed_peers_only_what_it_does_not_cover()
    {
        var engine = Engines.Small(hardCap: 100);
        var limits = engine.Settings.Limits; // high water 85, low water 70, 5 closes a round
        var pubsub = engine.Enroll(new QuotaRequest("pubsub", QuotaAmount.Slots(0), QuotaAmount.Share(1.0))).Id;
        engine.ConnectInbound(0, 74, 0);
        for (int i = 0; i < 74; i++) Assert.True(engine.RequestSlot(pubsub, new PeerKey(i), 0).IsGranted);
        var burst = engine.BeginBurst(0);
        for (int i = 0; i < 20; i++)
        {
            engine.Enlist(burst, new PeerKey(1_000 + i));
            Assert.True(engine.AdmitOutbound(new PeerKey(1_000 + i), Addresses.V4(1_000 + i), 0).Admitted);
        }
        Assert.Equal(94, engine.Connections);
        Assert.Equal(limits.LowWater + 20, engine.ClaimedFloor);

        // The arrivals of the start do not fit under the hard cap, so a round runs: 4 claimed peers (94 - 90), not 5.
        var plan = new TrimPlan();
        engine.PlanTrim(1_000, plan);
        Assert.Equal(RegulationTrigger.HighWater, plan.Trigger);
        Assert.Equal(4, plan.Victims.Count);
        Assert.All(plan.Victims, v => Assert.Equal(TrimReason.LowScore, v.Reason));
        engine.CarryOut(plan, 1_000);
        engine.PlanTrim(2_000, plan);
        Assert.Empty(plan.Victims); // the rest of the excess is the lookup's: nothing more while it runs

        var released = new List<PeerKey>();
        engine.EndBurst(burst, 3_000, released);
        Assert.Equal(20, released.Count);
        Assert.Equal(limits.LowWater, engine.ClaimedFloor);
    }

    [Fact]
    public void Without_the_burst_model_the_floor_is_low_water()
    {
        var engine = new Policy.Engine.ConnectionManagerPolicy(Engines.Small(hardCap: 100).Settings with
        {
            Features = Policy.Engine.V2Features.All with { BurstModel = false },
        });
        var burst = engine.BeginBurst(0);
        engine.Enlist(burst, new PeerKey(1));
        engine.AdmitOutbound(new PeerKey(1), Addresses.V4(1), 0);
        Assert.Equal(engine.Settings.Limits.LowWater, engine.ClaimedFloor);
    }

    /// <summary>
    /// Random claimed and unassigned peers, lookups of random sizes started, ended and rounds run at random: no round ever
    /// closes more connections of claimed peers than the count exceeds low water plus the running bursts' connections.
    /// </summary>
    [Fact]
    public void No_round_closes_claimed_peers_for_room_that_running_bursts_hold() =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[1, 30], Gen.Int[0, 3_000]).Array[1, 80].Sample(ops =>
        {
            var engine = Engines.Small(hardCap: 100);
            var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(5), QuotaAmount.Share(0.6))).Id;
            var pubsub = engine.Enroll(new QuotaRequest("pubsub", QuotaAmount.Slots(5), QuotaAmount.Share(0.6))).Id;
            var bursts = new List<Policy.Bursts.BurstId>();
            var plan = new TrimPlan();
            int next = 0;
            long now = 0;
            foreach (var (kind, size, elapsed) in ops)
            {
                now += elapsed;
                switch (kind)
                {
                    case 0: // inbound peers, some claimed
                        for (int i = 0; i < size; i++, next++)
                        {
                            var peer = new PeerKey(next);
                            if (!engine.AdmitInbound(peer, Addresses.V4(next), now).Admitted) continue;
                            if (next % 3 != 0) engine.RequestSlot(next % 3 == 1 ? dht : pubsub, peer, now);
                        }
                        break;
                    case 1: // a lookup dials new peers
                        var burst = engine.BeginBurst(now);
                        bursts.Add(burst);
                        for (int i = 0; i < size; i++, next++)
                        {
                            engine.Enlist(burst, new PeerKey(next));
                            engine.AdmitOutbound(new PeerKey(next), Addresses.V4(next), now);
                        }
                        break;
                    case 2 when bursts.Count > 0:
                        var released = new List<PeerKey>();
                        engine.EndBurst(bursts[^1], now, released);
                        bursts.RemoveAt(bursts.Count - 1);
                        foreach (var peer in released) engine.ConnectionClosed(peer, Admission.ConnectionDirection.Outbound, Addresses.V4(peer.Value), now);
                        break;
                    default:
                        int count = engine.EffectiveConnections, floor = engine.ClaimedFloor;
                        engine.PlanTrim(now, plan);
                        int claimedClosed = plan.Victims.Where(v => engine.View(v.Peer, now)!.SubsystemClaims != 0).Sum(v => v.Connections);
                        if (plan.Trigger is not (RegulationTrigger.Emergency or RegulationTrigger.BurstLinger) && claimedClosed > Math.Max(0, count - floor)) return false;
                        engine.CarryOut(plan, now);
                        break;
                }
            }
            return true;
        });
}
