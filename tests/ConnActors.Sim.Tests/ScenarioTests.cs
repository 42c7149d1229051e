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
    public void Eager_scoring_costs_more_policy_work_than_lazy()
    {
        var settings = SimTestRuns.Small("dht-heavy");
        var (_, lazy) = SimTestRuns.Run(settings, "v2");
        var (_, eager) = SimTestRuns.Run(settings, "v2-no-lazy");
        Assert.True(eager.WorkPerNodeMinute > lazy.WorkPerNodeMinute);
    }

    [Fact]
    public void The_nodes_lookup_rule_asks_at_least_k_peers_where_gos_stops_after_a_few()
    {
        var settings = ScenarioCatalog.DhtSideBySide;
        var (goRule, go) = SimTestRuns.Run(settings, "v2-go-lookups");
        var (specRule, spec) = SimTestRuns.Run(settings, "v2");
        Assert.True(go.Lookups > 100, $"only {go.Lookups} lookups");
        Assert.Equal(go.Lookups, spec.Lookups);
        // A lookup by the spec's rule stops only when the k closest found answered (or nobody is left to ask).
        Assert.True(specRule.Metrics.LookupQueries.Mean >= settings.BucketSize, $"the spec's rule: {specRule.Metrics.LookupQueries.Mean} queries per lookup");
        Assert.True(goRule.Metrics.LookupQueries.Mean < settings.BucketSize / 2.0, $"go's rule: {goRule.Metrics.LookupQueries.Mean} queries per lookup");
        Assert.True(spec.PerLookup!.Value.Opened > go.PerLookup!.Value.Opened);
        Assert.True(spec.PerLookup.Value.Opened <= spec.PerLookup.Value.Queries);
    }
}
