namespace ConnActors.Sim.Tests;

/// <summary>shared-router: households behind one router, each node within its own caps or splitting a site budget (v2-site).</summary>
public class SiteBudgetTests
{
    [Fact]
    public void Nodes_splitting_a_site_budget_do_not_overflow_the_router_their_own_caps_overflow()
    {
        var settings = SimTestRuns.Small("shared-router", nodes: 1_000, minutes: 10);
        var (v2Sim, v2) = SimTestRuns.Run(settings, "v2");
        var (siteSim, site) = SimTestRuns.Run(settings, "v2-site");

        Assert.True(v2.RouterOverflows > 0, "the households' own caps never overflowed a router: the scenario does not stress");
        Assert.Equal(0, site.RouterOverflows);
        Assert.True(site.MaxP99RouterOccupancy < v2.MaxP99RouterOccupancy);
        Assert.Equal(0, v2Sim.Sites.Count);
        Assert.True(siteSim.Sites.Count > 100);
        Assert.Empty(v2Sim.FindInconsistencies());
        Assert.Empty(siteSim.FindInconsistencies());
    }

    [Fact]
    public void Online_members_hold_their_share_and_the_shares_never_exceed_the_site_budget()
    {
        var settings = SimTestRuns.Small("shared-router", nodes: 600, minutes: 10);
        var (sim, _) = SimTestRuns.Run(settings, "v2-site");
        var nodes = sim.Context.Nodes;
        int sites = 0;
        foreach (var household in Enumerable.Range(0, nodes.Count).Where(n => nodes.Router[n] >= 0).GroupBy(n => nodes.Router[n]))
        {
            var online = household.Where(n => nodes.Online[n]).ToList();
            Assert.InRange(online.Sum(sim.Sites.ShareOf), 0, sim.Sites.Budget(household.Key));
            foreach (int node in online.Where(n => sim.Engines.ExistingV2(n) is not null))
            {
                Assert.Equal(sim.Sites.ShareOf(node), sim.Engines.ExistingV2(node)!.Settings.Limits.HardCap);
                sites++;
            }
            Assert.All(household.Where(n => !nodes.Online[n]), n => Assert.Equal(0, sim.Sites.ShareOf(n)));
        }
        Assert.True(sites > 50);
    }

    [Fact]
    public void Without_shared_routers_v2_site_is_v2()
    {
        var settings = SimTestRuns.Small("router-killing", nodes: 500, minutes: 8);
        var (_, v2) = SimTestRuns.Run(settings, "v2");
        var (sim, site) = SimTestRuns.Run(settings, "v2-site");
        Assert.Equal(0, sim.Sites.Count);
        Assert.Equal(v2.WithoutMachineFigures(), site.WithoutMachineFigures() with { Policy = "v2" });
    }
}
