using ConnActors.Policy;
using ConnActors.Policy.Admission;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Baseline;

public class BasicTrimTests
{
    [Fact]
    public void Admits_everything_however_many_connections_there_are()
    {
        var f = new BasicFixture();
        f.ConnectRange(0, 50, nowMs: 0);
        f.Connect(0, nowMs: 0, ConnectionDirection.Outbound);
        Assert.Equal((51, 50), (f.Manager.Connections, f.Manager.Peers));
    }

    [Fact]
    public void A_ticker_fire_at_high_water_trims_down_to_low_water()
    {
        var f = new BasicFixture();
        f.ConnectRange(0, 10, nowMs: 0);
        var plan = f.TickAndPlan(nowMs: 2_000);
        Assert.Equal(RegulationTrigger.HighWater, plan.Trigger);
        Assert.Equal(6, plan.ConnectionsClosed);
        Assert.Equal(4, plan.Target);
        Assert.All(plan.Victims, v => Assert.Equal(TrimReason.LowScore, v.Reason));
        f.Close(plan, 2_000);
        Assert.Equal(4, f.Manager.Connections);
    }

    [Fact]
    public void Below_high_water_a_fire_trims_nothing()
    {
        var f = new BasicFixture();
        f.ConnectRange(0, 7, nowMs: 0);
        var plan = f.TickAndPlan(nowMs: 2_000);
        Assert.Equal(RegulationTrigger.None, plan.Trigger);
        Assert.Empty(plan.Victims);
    }

    [Fact]
    public void Between_fires_the_count_overshoots_high_water_without_a_trim()
    {
        var f = new BasicFixture();
        f.ConnectRange(0, 7, nowMs: 0);
        f.Manager.Tick(1_000); // fire at 1000 finds 7 < 8
        f.ConnectRange(7, 20, nowMs: 1_100);
        Assert.Equal(RegulationTrigger.None, f.Manager.CheckRegulation(1_400));
        f.Manager.Tick(1_499);
        Assert.Equal(RegulationTrigger.None, f.Manager.CheckRegulation(1_499));
        f.Manager.Tick(1_500);
        Assert.Equal(RegulationTrigger.HighWater, f.Manager.CheckRegulation(1_500));
    }

    [Fact]
    public void At_most_one_trim_per_silence_period()
    {
        var f = new BasicFixture();
        f.ConnectRange(0, 10, nowMs: 0);
        var first = f.TickAndPlan(nowMs: 2_000);
        Assert.NotEmpty(first.Victims);
        f.ConnectRange(100, 10, nowMs: 0); // more old peers appear (e.g. reported late)
        Assert.Equal(RegulationTrigger.None, f.TickAndPlan(nowMs: 2_400).Trigger);
        Assert.Equal(RegulationTrigger.HighWater, f.TickAndPlan(nowMs: 2_500).Trigger);
    }

    [Fact]
    public void Peers_in_grace_are_not_candidates_and_stay_above_low_water()
    {
        var f = new BasicFixture();
        f.ConnectRange(0, 6, nowMs: 0);
        f.ConnectRange(10, 4, nowMs: 1_800);
        var plan = f.TickAndPlan(nowMs: 2_000);
        // Candidates hold 6 connections; go trims them down to low water (4) and leaves the 4 in grace.
        Assert.Equal(2, plan.ConnectionsClosed);
        Assert.DoesNotContain(BasicFixture.PeersOf(plan), p => p >= 10);
    }

    [Fact]
    public void No_trim_at_all_when_candidates_hold_fewer_than_low_water()
    {
        var f = new BasicFixture();
        f.ConnectRange(0, 3, nowMs: 0);
        f.ConnectRange(10, 30, nowMs: 1_800);
        var plan = f.TickAndPlan(nowMs: 2_000);
        Assert.Equal(RegulationTrigger.HighWater, plan.Trigger);
        Assert.Empty(plan.Victims);
        Assert.Equal(3, plan.CandidatesConsidered);
    }

    [Fact]
    public void Protected_peers_and_friends_are_never_trimmed()
    {
        var f = new BasicFixture();
        f.ConnectRange(0, 12, nowMs: 0);
        for (int p = 0; p < 4; p++) f.Manager.Protect(new PeerKey(p), tag: 3);
        for (int p = 4; p < 6; p++) f.Manager.SetFriend(new PeerKey(p), true, 0);
        var plan = f.TickAndPlan(nowMs: 2_000);
        Assert.Equal(2, plan.ConnectionsClosed); // 6 candidates down to low water 4
        Assert.All(BasicFixture.PeersOf(plan), p => Assert.True(p >= 6));
    }

    [Fact]
    public void Unprotect_reports_whether_another_protection_remains()
    {
        var f = new BasicFixture();
        var peer = new PeerKey(1);
        f.Manager.Protect(peer, 1);
        f.Manager.Protect(peer, 2);
        Assert.True(f.Manager.Unprotect(peer, 1, 0));
        Assert.False(f.Manager.Unprotect(peer, 2, 0));
        f.Manager.SetFriend(peer, true, 0);
        Assert.True(f.Manager.IsProtected(peer));
    }

    [Fact]
    public void Sort_order_is_temporary_then_value_then_no_streams_then_inbound_then_fewer_streams()
    {
        var f = new BasicFixture(new() { LowWater = 1, HighWater = 2, GracePeriodMs = 1_000, SilencePeriodMs = 500 });
        var m = f.Manager;
        // peer 1: higher value; 2: streams 3, outbound; 3: streams 1, outbound; 4: streams 2, inbound;
        // 5: no streams, outbound; 9: the kept one, highest value.
        f.Connect(1, 0); m.SetTag(new PeerKey(1), 7, 5, 0);
        f.Connect(2, 0, ConnectionDirection.Outbound); m.SetStreams(new PeerKey(2), 3);
        f.Connect(3, 0, ConnectionDirection.Outbound); m.SetStreams(new PeerKey(3), 1);
        f.Connect(4, 0); m.SetStreams(new PeerKey(4), 2);
        f.Connect(5, 0, ConnectionDirection.Outbound);
        f.Connect(9, 0); m.SetTag(new PeerKey(9), 7, 50, 0);
        m.SetTag(new PeerKey(20), 7, 100, 0); // temporary: tagged, never connected
        var plan = f.TickAndPlan(nowMs: 2_000);
        Assert.Equal(new[] { 5, 4, 3, 2, 1 }, BasicFixture.PeersOf(plan));
        Assert.False(m.IsTracked(new PeerKey(20))); // the expired temporary entry went first
    }

    [Fact]
    public void Emergency_ignores_grace_but_spares_protected_peers()
    {
        var f = new BasicFixture();
        f.ConnectRange(0, 10, nowMs: 0);
        f.Manager.Protect(new PeerKey(0), 0);
        f.Manager.SetFriend(new PeerKey(1), true, 0);
        var plan = new TrimPlan();
        f.Manager.PlanEmergencyTrim(nowMs: 10, target: 0, plan);
        Assert.Equal(RegulationTrigger.Emergency, plan.Trigger);
        Assert.Equal(8, plan.ConnectionsClosed);
        Assert.DoesNotContain(0, BasicFixture.PeersOf(plan));
        Assert.DoesNotContain(1, BasicFixture.PeersOf(plan));
        Assert.All(plan.Victims, v => Assert.Equal(TrimReason.Emergency, v.Reason));
    }

    [Fact]
    public void Emergency_prefers_peers_with_more_streams_among_equals()
    {
        var f = new BasicFixture();
        f.ConnectRange(0, 3, nowMs: 0);
        f.Manager.SetStreams(new PeerKey(0), 1);
        f.Manager.SetStreams(new PeerKey(1), 5);
        f.Manager.SetStreams(new PeerKey(2), 3);
        var plan = new TrimPlan();
        f.Manager.PlanEmergencyTrim(nowMs: 10, target: 2, plan);
        Assert.Equal(new[] { 1 }, BasicFixture.PeersOf(plan));
    }

    [Fact]
    public void Victims_are_closing_and_not_chosen_again()
    {
        var f = new BasicFixture();
        f.ConnectRange(0, 10, nowMs: 0);
        var first = f.TickAndPlan(nowMs: 2_000);
        Assert.Equal(first.ConnectionsClosed, f.Manager.Closing);
        var again = new TrimPlan();
        f.Manager.PlanEmergencyTrim(2_100, 0, again);
        Assert.Empty(BasicFixture.PeersOf(first).Intersect(BasicFixture.PeersOf(again)));
    }

    [Fact]
    public void Tags_are_lost_with_the_last_connection_as_in_go()
    {
        var f = new BasicFixture();
        f.Connect(1, 0);
        f.Manager.SetTag(new PeerKey(1), 1, 10, 0);
        f.CloseAll(1, 5);
        f.Connect(1, 10);
        Assert.Equal(0, f.Manager.ValueOf(new PeerKey(1)));
    }

    [Fact]
    public void A_tag_before_the_connection_is_kept_and_grace_starts_at_the_connection()
    {
        var f = new BasicFixture();
        f.Manager.SetTag(new PeerKey(1), 1, 10, nowMs: 0);
        Assert.Equal((1, 0), (f.Manager.TrackedEntries, f.Manager.Peers));
        f.ConnectRange(10, 9, nowMs: 0);
        f.Connect(1, nowMs: 1_900);
        var plan = f.TickAndPlan(nowMs: 2_000);
        Assert.Equal(10, f.Manager.ValueOf(new PeerKey(1)));
        Assert.DoesNotContain(1, BasicFixture.PeersOf(plan));
    }

    [Fact]
    public void Work_units_grow_with_the_sort()
    {
        var small = new BasicFixture();
        small.ConnectRange(0, 10, 0);
        var large = new BasicFixture();
        large.ConnectRange(0, 1_000, 0);
        long smallBefore = small.Manager.WorkUnits, largeBefore = large.Manager.WorkUnits;
        small.TickAndPlan(2_000);
        large.TickAndPlan(2_000);
        Assert.True(large.Manager.WorkUnits - largeBefore > 100 * (small.Manager.WorkUnits - smallBefore));
    }
}
