using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Trimming;

public class TrimPlanningTests
{
    [Fact]
    public void Below_high_water_nothing_is_trimmed()
    {
        var engine = Engines.Small();
        engine.ConnectInbound(0, engine.Settings.Limits.HighWater - 1, 0);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(600_000));
        var plan = new TrimPlan();
        engine.PlanTrim(600_000, plan);
        Assert.Empty(plan.Victims);
    }

    [Fact]
    public void One_round_trims_to_low_water_with_no_follow_up()
    {
        var engine = Engines.Small(hardCap: 400, trim: new TrimSettings { GracePeriodMs = 0 });
        var limits = engine.Settings.Limits;
        engine.ConnectInbound(0, limits.MaxInbound - limits.FriendReserve, 0); // 340 >= high water 340
        var plan = new TrimPlan();
        engine.PlanTrim(0, plan);
        Assert.Equal(340 - limits.LowWater, plan.Victims.Count);
        Assert.Null(plan.FollowUpAtMs);
        engine.CarryOut(plan, 0);
        Assert.Equal(limits.LowWater, engine.Connections);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(1_000));
    }

    [Fact]
    public void Unassigned_go_first_then_claimed_each_lowest_score_first_and_a_finished_burst_is_ordinary()
    {
        var engine = Engines.Small(hardCap: 40, trim: new TrimSettings { GracePeriodMs = 0 });
        var limits = engine.Settings.Limits;
        var app = engine.Enroll(new QuotaRequest("app", QuotaAmount.Slots(0), QuotaAmount.Share(1))).Id;
        engine.ConnectInbound(0, limits.HighWater, 0);
        for (int i = 0; i < 20; i++) engine.RequestSlot(app, new PeerKey(i), 0);        // 0..19 claimed
        for (int i = 0; i < 20; i++) engine.RecordSignal(new PeerKey(i), UsefulnessSignal.SuccessfulQuery, i, 0);
        for (int i = 20; i < limits.HighWater; i++) engine.RecordSignal(new PeerKey(i), UsefulnessSignal.FirstDelivery, i, 0);
        var burst = engine.BeginBurst();
        for (int i = 30; i < 34; i++) engine.Enlist(burst, new PeerKey(i));
        engine.EndBurst(burst, 0);                                                      // 30..33 were in a burst

        var plan = new TrimPlan();
        engine.PlanTrim(1, plan);
        Assert.Equal(limits.HighWater - limits.LowWater, plan.Victims.Count);
        int unassigned = limits.HighWater - 20;
        var first = plan.Victims.Take(Math.Min(unassigned, plan.Victims.Count)).ToList();
        Assert.All(first, v => Assert.Equal(TrimReason.Unassigned, v.Reason));
        // Unassigned peers by score, fewest first deliveries first: a finished burst's peers have no head start.
        Assert.Equal(first.Select(v => v.Peer.Value).Order(), first.Select(v => v.Peer.Value));
        Assert.DoesNotContain(plan.Victims, v => v.Reason == TrimReason.FinishedBurst);
        var lowScore = plan.Victims.Where(v => v.Reason == TrimReason.LowScore).Select(v => v.Peer.Value).ToList();
        Assert.Equal(lowScore.OrderBy(p => p), lowScore);      // claimed peers go lowest score (fewest queries) first
    }

    [Fact]
    public void Friends_protected_and_locked_peers_are_never_planned()
    {
        var engine = Engines.Small(hardCap: 40);
        engine.ConnectInbound(0, engine.Settings.Limits.HighWater - 2, 0);
        engine.SetFriend(new PeerKey(500), true, 0);
        engine.SetFriend(new PeerKey(501), true, 0);
        engine.ConnectInbound(500, 2, 0);
        engine.SetProtected(new PeerKey(0), true, 0);
        engine.Lock(new PeerKey(1), untilMs: 60_000, nowMs: 0);
        var plan = new TrimPlan();
        engine.PlanTrim(10, plan);
        Assert.NotEmpty(plan.Victims);
        Assert.DoesNotContain(plan.Victims, v => v.Peer.Value is 0 or 1 or 500 or 501);
    }

    [Fact]
    public void A_revoked_lock_makes_the_peer_a_candidate_again()
    {
        var engine = Engines.Small(hardCap: 40);
        engine.ConnectInbound(0, engine.Settings.Limits.HighWater, 0);
        for (int i = 0; i < engine.Settings.Limits.HighWater; i++) engine.Lock(new PeerKey(i), 60_000, 0);
        var plan = new TrimPlan();
        engine.PlanTrim(10, plan);
        Assert.Empty(plan.Victims);
        engine.RevokeLock(new PeerKey(7), 10);
        engine.PlanTrim(10, plan);
        Assert.Equal(7, Assert.Single(plan.Victims).Peer.Value);
    }

    [Fact]
    public void Grace_spares_new_connections_but_only_the_newest_few()
    {
        var engine = Engines.Small(hardCap: 100, trim: new TrimSettings { GracePeriodMs = 30_000, GraceMaxCount = 5 });
        var limits = engine.Settings.Limits;
        for (int i = 0; i < limits.HighWater; i++) engine.ConnectInbound(i, 1, nowMs: i); // all within grace at t=100
        var plan = new TrimPlan();
        engine.PlanTrim(100, plan);
        Assert.Equal(limits.HighWater - limits.LowWater, plan.Victims.Count);
        var newest = Enumerable.Range(limits.HighWater - 5, 5).ToHashSet();
        Assert.DoesNotContain(plan.Victims, v => newest.Contains(v.Peer.Value));
    }

    [Fact]
    public void When_grace_blocks_a_round_a_follow_up_is_scheduled_at_its_end()
    {
        var engine = Engines.Small(hardCap: 40, trim: new TrimSettings { GracePeriodMs = 30_000, GraceMaxCount = 40 });
        engine.ConnectInbound(0, engine.Settings.Limits.HighWater, 1_000);
        var plan = new TrimPlan();
        engine.PlanTrim(2_000, plan);
        Assert.Empty(plan.Victims);
        Assert.Equal(31_000, plan.FollowUpAtMs);
    }

    [Fact]
    public void Reservations_are_respected_by_trims()
    {
        var engine = Engines.Small(hardCap: 40);
        var dht = engine.Enroll(new QuotaRequest("dht", QuotaAmount.Slots(30), QuotaAmount.Share(1))).Id;
        engine.ConnectInbound(0, engine.Settings.Limits.HighWater, 0);
        for (int i = 0; i < engine.Settings.Limits.HighWater; i++) Assert.True(engine.RequestSlot(dht, new PeerKey(i), 0).IsGranted);
        var plan = new TrimPlan();
        engine.PlanTrim(1, plan);
        Assert.Equal(engine.Settings.Limits.HighWater - 30, plan.Victims.Count); // 4 surplus, not 6 to low water
        engine.CarryOut(plan, 1);
        Assert.Equal(30, engine.Quotas.UsageOf(dht).Used);
    }

    [Fact]
    public void Emergency_ignores_grace_and_locks_but_never_closes_friends_or_protected()
    {
        var engine = Engines.Small(hardCap: 40, trim: new TrimSettings { GracePeriodMs = 60_000 });
        engine.ConnectInbound(0, 20, 0);
        engine.SetFriend(new PeerKey(3), true, 0);
        engine.SetProtected(new PeerKey(4), true, 0);
        engine.Lock(new PeerKey(5), 60_000, 0);
        var plan = new TrimPlan();
        engine.PlanEmergencyTrim(1, target: 0, plan);
        Assert.Equal(18, plan.Victims.Count);
        Assert.All(plan.Victims, v => Assert.Equal(TrimReason.Emergency, v.Reason));
        Assert.DoesNotContain(plan.Victims, v => v.Peer.Value is 3 or 4);
        Assert.Contains(plan.Victims, v => v.Peer.Value == 5);
    }

    [Fact]
    public void Planned_victims_are_not_planned_twice()
    {
        var engine = Engines.Small(hardCap: 40);
        engine.ConnectInbound(0, engine.Settings.Limits.HighWater, 0);
        var plan = new TrimPlan();
        engine.PlanTrim(1, plan);
        var first = plan.Victims.Select(v => v.Peer).ToHashSet();
        Assert.NotEmpty(first);
        Assert.Equal(engine.Settings.Limits.HighWater - plan.ConnectionsClosed, engine.EffectiveConnections);
        engine.PlanEmergencyTrim(2, engine.Settings.Limits.LowWater - 3, plan);
        Assert.NotEmpty(plan.Victims);
        Assert.DoesNotContain(plan.Victims, v => first.Contains(v.Peer));
    }

    [Fact]
    public void Selection_moves_the_k_smallest_to_the_front()
    {
        var random = new DeterministicRandom(7);
        for (int round = 0; round < 50; round++)
        {
            var items = Enumerable.Range(0, 200).Select(_ => random.Next(1_000)).ToArray();
            int k = random.Next(200);
            Selection.SmallestToFront<int>(items, k);
            var sorted = items.OrderBy(x => x).ToArray();
            Assert.Equal(sorted.Take(k).OrderBy(x => x), items.Take(k).OrderBy(x => x));
        }
    }
}

public class MemoryPressureAndAlternativesTests
{
    [Fact]
    public void Memory_pressure_is_judged_against_the_limit_and_trims_to_the_configured_share_of_low_water()
    {
        var engine = new ConnActors.Policy.Engine.ConnectionManagerPolicy(Engines.Small().Settings with
        {
            Trim = new TrimSettings { GracePeriodMs = 0, MemoryLimitBytes = 1_000, EmergencyTargetFraction = 0.5 },
        });
        engine.ConnectInbound(0, 30, 0);
        Assert.False(engine.IsUnderMemoryPressure(1_000));
        Assert.True(engine.IsUnderMemoryPressure(1_001));
        var plan = new TrimPlan();
        engine.PlanEmergencyTrim(1, plan);
        Assert.Equal(engine.Settings.Limits.LowWater / 2, plan.Target);
        Assert.Equal(30 - plan.Target, plan.ConnectionsClosed);
    }

    [Fact]
    public void A_limit_of_zero_turns_the_check_off() =>
        Assert.False(Engines.Small().IsUnderMemoryPressure(long.MaxValue));

    [Fact]
    public void Alternatives_are_the_best_scored_eligible_connected_peers()
    {
        var engine = Engines.Small();
        engine.ConnectInbound(0, 6, 0);
        for (int i = 0; i < 6; i++) engine.RecordSignal(new PeerKey(i), ConnActors.Policy.Scoring.UsefulnessSignal.SuccessfulQuery, i, 0);
        var best = engine.BestConnectedPeers(0, 3, peer => peer.Value != 5);
        Assert.Equal([4, 3, 2], best.Select(p => p.Value));
    }
}
