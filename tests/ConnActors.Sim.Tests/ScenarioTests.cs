using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Tests;

public class ScenarioTests
{
    public static TheoryData<string, string> Runs()
    {
        var data = new TheoryData<string, string>();
        foreach (var scenario in Scenarios.ScenarioCatalog.All)
        {
            foreach (var policy in new[] { "none", "basic", "js-like", "v2" }) data.Add(scenario.Name, policy);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Scenario_runs_and_the_simulator_agrees_with_the_policies(string scenario, string policy)
    {
        var settings = SimTestRuns.Small(scenario);
        var (sim, summary) = SimTestRuns.Run(settings, policy);
        Assert.Empty(sim.FindInconsistencies());
        Assert.Equal(16, sim.Metrics.Samples.Count);
        Assert.True(summary.Events > 1_000);
        if (settings.LookupsPerNodeHour > 0)
        {
            Assert.True(summary.Lookups > 0);
            Assert.InRange(summary.LookupSuccess, 0.5, 1.0);
        }
        if (settings.Topics > 0) Assert.InRange(summary.DeliveryRatio, 0.3, 1.0);
        if (settings.FleetSize > 0) Assert.InRange(summary.FriendUptime, 0.0, 1.0);
        if (settings.FlashShare > 0) Assert.True(sim.Metrics.CrowdDials > 0);
    }

    public static TheoryData<string> Named() => new(ScenarioCatalog.Named.Select(s => s.Name));

    // 50 nodes is the least --nodes takes; there a topic may have no subscriber (its publish once threw).
    [Theory]
    [MemberData(nameof(Named))]
    public void Every_scenario_runs_at_the_smallest_network_the_command_line_takes(string scenario)
    {
        var settings = SimTestRuns.Small(scenario, nodes: 50, minutes: 11);
        foreach (var policy in new[] { "none", "basic", "js-like", "v2" })
        {
            var (sim, summary) = SimTestRuns.Run(settings, policy);
            Assert.Empty(sim.FindInconsistencies());
            Assert.Equal(50, summary.Nodes);
        }
    }

    [Theory]
    [InlineData("router-killing")]
    [InlineData("flash-crowd")]
    public void V2_never_passes_the_hard_cap_while_none_does_under_pressure(string scenario)
    {
        var settings = SimTestRuns.Small(scenario, nodes: 1_000, minutes: 20);
        var (_, v2) = SimTestRuns.Run(settings, "v2");
        var (_, none) = SimTestRuns.Run(settings, "none");
        Assert.Equal(0, v2.MaxShareAtHardCap);
        Assert.True(none.MaxLoadOfHighWater > v2.MaxLoadOfHighWater);
        Assert.True(none.MaxLoadOfHighWater > 1.0);
    }

    [Fact]
    public void With_meshes_in_several_topics_basic_trims_mesh_links_of_small_nodes_and_v2_trims_none()
    {
        var settings = SimTestRuns.Small("pubsub-overlay", nodes: 1_000, minutes: 20);
        Assert.True(settings.TopicsPerSubscriber > 1);
        var (basicSim, basic) = SimTestRuns.Run(settings, "basic");
        var (v2Sim, v2) = SimTestRuns.Run(settings, "v2");
        Assert.Empty(basicSim.FindInconsistencies());
        Assert.Empty(v2Sim.FindInconsistencies());
        Assert.True(basic.MeshLinksTrimmedPerNodeHour > 0, $"basic's mesh links trimmed per node-hour: {basic.MeshLinksTrimmedPerNodeHour}");
        Assert.Equal(0, v2.MeshLinksTrimmedPerNodeHour);
        Assert.True(v2.DeliveryRatio >= basic.DeliveryRatio - 0.005, $"delivery ratio v2 {v2.DeliveryRatio}, basic {basic.DeliveryRatio}");
    }

    [Fact]
    public void A_mesh_degree_out_of_order_is_refused_naming_the_scenario()
    {
        var settings = SimTestRuns.Small("pubsub-overlay", nodes: 100, minutes: 1) with { MeshDegree = (6, 8, 12) };
        var error = Assert.Throws<ArgumentException>(() => SimTestRuns.Run(settings, "v2"));
        Assert.Contains("pubsub-overlay: mesh degree", error.Message);
    }

    [Fact]
    public void Bye_removes_redials_inside_the_backoff_window()
    {
        var settings = SimTestRuns.Small("router-killing", nodes: 1_000, minutes: 20);
        var (withBye, v2) = SimTestRuns.Run(settings, "v2");
        var (_, noBye) = SimTestRuns.Run(settings, "v2-no-bye");
        Assert.Equal(0, v2.PolitenessViolations);
        Assert.True(withBye.Metrics.DialsSkippedForBye > 0);
        Assert.True(noBye.PolitenessViolations > 0);
    }

    [Fact]
    public void Lazy_scoring_decides_as_eager_scoring_does_for_less_policy_work()
    {
        var settings = SimTestRuns.Small("dht-heavy");
        var (_, lazy) = SimTestRuns.Run(settings, "v2");
        var (_, eager) = SimTestRuns.Run(settings, "v2-no-lazy");
        Assert.True(eager.WorkPerNodeMinute > 2 * lazy.WorkPerNodeMinute, $"work {lazy.WorkPerNodeMinute} lazy, {eager.WorkPerNodeMinute} eager");
        // The same trims: lazy scores are exact where a decision needs them, and both check regulation when it is due.
        Assert.True(lazy.Trims > 0);
        Assert.Equal(eager.Trims, lazy.Trims);
        Assert.Equal(eager.UsefulPeerTrims, lazy.UsefulPeerTrims);
    }

    [Fact]
    public void With_the_nodes_slow_query_rule_lookups_stop_waiting_out_failed_queries_and_end_sooner()
    {
        // Alpha 3 and ten times the measured churn: many rounds whose queries all go to peers that left.
        var settings = SimTestRuns.Small("churn-storm");
        var (_, slow) = SimTestRuns.Run(settings, "v2");
        var (_, waiting) = SimTestRuns.Run(settings, "v2-no-slow-queries");
        Assert.True(slow.LookupMsP90 < waiting.LookupMsP90 && slow.LookupMsP99 < waiting.LookupMsP99,
            $"p90/p99 {slow.LookupMsP90}/{slow.LookupMsP99} ms with the rule, {waiting.LookupMsP90}/{waiting.LookupMsP99} ms without");
    }

    [Fact]
    public void With_the_follow_up_v2_lookups_ask_the_rest_of_the_k_closest_at_once_and_end_sooner()
    {
        var settings = SimTestRuns.Small("churn-storm");
        var (_, followUp) = SimTestRuns.Run(settings, "v2");
        var (_, alphaAtATime) = SimTestRuns.Run(settings, "v2-no-follow-up");
        Assert.True(followUp.LookupMsP50 < alphaAtATime.LookupMsP50 && followUp.LookupMsP90 < alphaAtATime.LookupMsP90,
            $"p50/p90 {followUp.LookupMsP50}/{followUp.LookupMsP90} ms with the follow-up, {alphaAtATime.LookupMsP50}/{alphaAtATime.LookupMsP90} ms without");
        Assert.True(followUp.LookupSuccess >= alphaAtATime.LookupSuccess - 0.002, $"success {followUp.LookupSuccess} with the follow-up, {alphaAtATime.LookupSuccess} without");
    }

    [Fact]
    public void A_v2_lookup_asks_a_held_peer_closest_to_its_key_past_the_hold_and_succeeds_no_less_often()
    {
        // The DHT and pubsub contend near high water: v2 trims many peers, and lookups meet the own-trim hold (at this size
        // rarely: 2,000 nodes for an hour gain 0.0031 of lookup success, docs/simulator.md).
        var settings = SimTestRuns.Small("subsystem-contention");
        var (passSim, pass) = SimTestRuns.Run(settings, "v2");
        var (_, strict) = SimTestRuns.Run(settings, "v2-strict-hold");
        Assert.Empty(passSim.FindInconsistencies());
        Assert.True(strict.DialsHeldAfterOwnTrim > 20, $"only {strict.DialsHeldAfterOwnTrim} dials held: the scenario does not stress the hold");
        Assert.Equal(0, strict.RedialsAfterOwnTrim);
        Assert.True(pass.RedialsAfterOwnTrim > 0, "no lookup asked a held peer past the hold");
        Assert.True(pass.RedialsAfterOwnTrim * 5 < pass.DialsHeldAfterOwnTrim,
            $"{pass.RedialsAfterOwnTrim} dials past the hold against {pass.DialsHeldAfterOwnTrim} held: the hold no longer holds");
        // One small run is not enough to tell the two apart (seed 1: 51 failed lookups past the hold, 42 without; seeds 2 and 3
        // the other way, 67 against 114 and 212 against 226): count three.
        double passFailed = FailedLookups(pass), strictFailed = FailedLookups(strict);
        foreach (ulong seed in new ulong[] { 2, 3 })
        {
            passFailed += FailedLookups(SimTestRuns.Run(settings, "v2", seed).Summary);
            strictFailed += FailedLookups(SimTestRuns.Run(settings, "v2-strict-hold", seed).Summary);
        }
        Assert.True(passFailed <= strictFailed, $"{passFailed} lookups failed past the hold over three seeds, {strictFailed} without");
    }

    // Lookups three times as often as dht-heavy's, so that small nodes often run three at once, their dht quota at its
    // maximum and the node full.
    private static ScenarioSettings ThreeLookupsAtOnce()
    {
        var dhtHeavy = SimTestRuns.Small("dht-heavy", nodes: 2_000);
        return dhtHeavy with { LookupsPerNodeHour = dhtHeavy.LookupsPerNodeHour * 3 };
    }

    private static double FailedLookups(ConnActors.Sim.Metrics.RunSummary r) => Math.Round(r.Lookups * (1 - r.LookupSuccess));

    [Fact]
    public void Lookups_of_one_node_share_its_dht_slots_so_fewer_queries_are_refused_at_the_quotas_maximum()
    {
        // DHT-heavy nodes run lookups often enough that one starts while another holds most of a small node's dht slots.
        var settings = SimTestRuns.Small("dht-heavy");
        var (shareSim, share) = SimTestRuns.Run(settings, "v2");
        var (_, alone) = SimTestRuns.Run(settings, "v2-no-slot-sharing");
        Assert.Empty(shareSim.FindInconsistencies());
        Assert.Equal(alone.Lookups, share.Lookups);
        Assert.True(alone.DhtStarvations > 50, $"only {alone.DhtStarvations} dht slots refused without sharing: the scenario does not stress the quota");
        Assert.True(share.DhtStarvations < alone.DhtStarvations * 0.85, $"{share.DhtStarvations} refused with sharing, {alone.DhtStarvations} without");
        Assert.True(share.LookupSuccess >= alone.LookupSuccess, $"lookup success {share.LookupSuccess} with sharing, {alone.LookupSuccess} without");
    }

    [Fact]
    public void A_lookup_refused_for_room_on_a_full_node_gets_it_from_a_busier_lookup_whose_answered_peer_closes()
    {
        var settings = ThreeLookupsAtOnce();
        var (roomSim, room) = SimTestRuns.Run(settings, "v2");
        var (_, noRoom) = SimTestRuns.Run(settings, "v2-no-room-sharing");
        Assert.Empty(roomSim.FindInconsistencies());
        // (A connection closed early changes what happens next, so the two runs differ a little in everything.)
        Assert.InRange(room.Lookups, noRoom.Lookups * 0.99, noRoom.Lookups * 1.01);
        Assert.True(room.DhtStarvations < noRoom.DhtStarvations * 0.99, $"{room.DhtStarvations} dht slots refused with room sharing, {noRoom.DhtStarvations} without");
        Assert.True(FailedLookups(room) <= FailedLookups(noRoom), $"{FailedLookups(room)} lookups failed with room sharing, {FailedLookups(noRoom)} without");
    }

    [Fact]
    public void A_query_given_a_slot_at_the_maximum_that_finds_the_node_full_gets_room_and_fewer_lookups_fail()
    {
        var settings = ThreeLookupsAtOnce();
        var (roomSim, room) = SimTestRuns.Run(settings, "v2");
        var (_, once) = SimTestRuns.Run(settings, "v2-share-once");
        Assert.Empty(roomSim.FindInconsistencies());
        Assert.InRange(room.Lookups, once.Lookups * 0.99, once.Lookups * 1.01);
        Assert.True(FailedLookups(room) < FailedLookups(once), $"{FailedLookups(room)} lookups failed asking for room after a shared slot, {FailedLookups(once)} without");
        // A query that now dials holds its slot until its lookup ends, so later queries are refused a little more often
        // (7,210 against 7,062); the trims must not rise with them.
        Assert.True(room.Trims <= once.Trims * 1.01, $"{room.Trims} trims asking for room after a shared slot, {once.Trims} without");
    }

    [Fact]
    public void Closing_with_a_reset_gives_router_entries_back_sooner_and_v2_is_refused_for_them_less()
    {
        var settings = SimTestRuns.Small("router-killing");
        var (_, reset) = SimTestRuns.Run(settings, "v2");
        var (_, fin) = SimTestRuns.Run(settings, "v2-fin-close");
        Assert.True(fin.SiteEntryRefusals > 100, $"only {fin.SiteEntryRefusals} refusals for router entries with FIN closes: the scenario does not stress");
        Assert.True(reset.SiteEntryRefusals * 4 < fin.SiteEntryRefusals, $"refusals for router entries: {reset.SiteEntryRefusals} with reset closes, {fin.SiteEntryRefusals} with FIN");
        Assert.True(reset.MaxP99RouterOccupancy < fin.MaxP99RouterOccupancy, $"p99 router occupancy {reset.MaxP99RouterOccupancy} with reset closes, {fin.MaxP99RouterOccupancy} with FIN");
    }

    [Fact]
    public void Gos_follow_up_asks_the_top_k_as_the_nodes_rule_does_and_without_it_a_lookup_stops_after_a_few()
    {
        var settings = ScenarioCatalog.DhtSideBySide;
        var (noFollowUp, go3) = SimTestRuns.Run(settings, "basic-no-followup");
        var (followUp, go) = SimTestRuns.Run(settings, "basic");
        var (specRule, spec) = SimTestRuns.Run(settings, "v2");
        Assert.True(go.Lookups > 100, $"only {go.Lookups} lookups");
        Assert.Equal(go.Lookups, spec.Lookups);
        Assert.Equal(go.Lookups, go3.Lookups);
        // The spec's rule stops only when the k closest found answered, so a lookup asks at least k; go's follow-up asks
        // every one of the top k it had only heard of (a failure in the follow-up is not replaced, and a lookup whose
        // answers named fewer than k peers asks those it knows), so about k.
        Assert.True(specRule.Metrics.LookupQueries.Mean >= settings.BucketSize, $"the spec's rule: {specRule.Metrics.LookupQueries.Mean} queries per lookup");
        Assert.True(followUp.Metrics.LookupQueries.Mean >= 0.9 * settings.BucketSize, $"go's rule with its follow-up: {followUp.Metrics.LookupQueries.Mean} queries per lookup");
        Assert.True(noFollowUp.Metrics.LookupQueries.Mean < settings.BucketSize / 2.0, $"go's rule without its follow-up: {noFollowUp.Metrics.LookupQueries.Mean} queries per lookup");
        Assert.True(go.PerLookup!.Value.Opened > 2 * go3.PerLookup!.Value.Opened, $"opened per lookup: {go.PerLookup.Value.Opened} with the follow-up, {go3.PerLookup.Value.Opened} without");
        Assert.True(spec.PerLookup!.Value.Opened <= spec.PerLookup.Value.Queries);
        // The follow-up only adds answers: a lookup finds the closest online server at least as often.
        Assert.True(go.LookupSuccess >= go3.LookupSuccess, $"success {go.LookupSuccess} with the follow-up, {go3.LookupSuccess} without");
    }

    [Fact]
    public void A_lookup_of_a_key_the_searching_server_is_closest_to_succeeds_when_it_finds_the_closest_other_server()
    {
        // No departures, no limits: every lookup of the spec's rule finds the closest server. Among 200 online servers one
        // lookup in about 200 is of a key the searching server itself is closest to; it answers with other peers only.
        var settings = ScenarioCatalog.DhtSideBySide with { LookupsPerNodeHour = 300 };
        var (_, summary) = SimTestRuns.Run(settings, "none");
        Assert.True(summary.Lookups > 10_000, $"only {summary.Lookups} lookups");
        Assert.Equal(1.0, summary.LookupSuccess);
    }

    [Fact]
    public void Js_lookups_over_disjoint_paths_ask_at_least_the_routing_tables_k_closest_and_find_the_closest()
    {
        var settings = ScenarioCatalog.DhtSideBySide;
        var (js, summary) = SimTestRuns.Run(settings, "js-like");
        Assert.Empty(js.FindInconsistencies());
        Assert.True(summary.Lookups > 100, $"only {summary.Lookups} lookups");
        // Every path starts from the routing table's k closest, split over the paths, and asks each of them.
        Assert.True(js.Metrics.LookupQueries.Mean >= settings.BucketSize, $"{js.Metrics.LookupQueries.Mean} queries per lookup");
        Assert.True(summary.PerLookup!.Value.Opened <= summary.PerLookup.Value.Queries);
        Assert.True(summary.LookupSuccess > 0.9, $"lookup success {summary.LookupSuccess}");
    }
}
