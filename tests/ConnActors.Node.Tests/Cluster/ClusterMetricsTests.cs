using System.Net;
using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests.Cluster;

/// <summary>
/// <c>GET /metrics</c> of a clustered node process, parsed by a Prometheus text parser written by others: the
/// connactors_cluster_* families agree with <c>/api/cluster</c>, a penalty recorded on one member is counted as shared
/// there and merged on the other, and every cluster metric the Grafana dashboard queries is served.
/// </summary>
[Collection(TwoNodeFleetCollection.Name)]
public sealed class ClusterMetricsTests(TwoNodeFleet fleet)
{
    [Fact]
    public async Task Cluster_metrics_follow_the_members_the_site_and_the_negotiator_counters()
    {
        var (first, second) = (fleet.First, fleet.Second);
        var shared0 = (await ScrapeAsync(first)).Family("connactors_cluster_penalties_total").Value(("kind", "shared"));
        var merged0 = (await ScrapeAsync(second)).Family("connactors_cluster_penalties_total").Value(("kind", "merged"));

        (await first.Api.PostAsync($"/api/peers/{TestPeers.NewPeerId()}/penalty", new { amount = 30 })).Expect(HttpStatusCode.OK);

        // Shared reputation reaches the other member within about a second.
        await fleet.Fleet.WaitUntilAsync(async () =>
            (await ScrapeAsync(second)).Family("connactors_cluster_penalties_total").Value(("kind", "merged")) == merged0 + 1,
            "the penalty merged on the second member", TimeSpan.FromSeconds(30));
        var scrape = await ScrapeAsync(first);
        var cluster = await first.ClusterAsync();

        Assert.Equal(shared0 + 1, scrape.Family("connactors_cluster_penalties_total").Value(("kind", "shared")));
        var members = scrape.Family("connactors_cluster_members");
        Assert.Equal("GAUGE", members.Type);
        Assert.Equal(2, members.Value(("status", "up")));
        Assert.Equal(0, members.Samples.Where(s => s.Labels["status"] != "up").Sum(s => s.Value));
        Assert.Equal(2, scrape.Family("connactors_cluster_member_reachability").Value(("reachability", "reachable")));
        Assert.Equal(0, scrape.Family("connactors_cluster_member_reachability").Value(("reachability", "unreachable")));
        Assert.Equal(fleet.Fleet.Budget, scrape.Family("connactors_cluster_site_budget").Value(("site", "lab")));
        Assert.InRange(scrape.Family("connactors_cluster_site_allocated").Value(("site", "lab")), 1, fleet.Fleet.Budget);
        var share = scrape.Family("connactors_cluster_site_share").Value(("site", "lab"));
        Assert.InRange(share, 1, fleet.Fleet.Budget);
        var counters = cluster["counters"]!.AsObject();
        var handoffs = scrape.Family("connactors_cluster_handoffs_total");
        Assert.Equal("COUNTER", handoffs.Type);
        foreach (var (stage, counter) in new[] { ("offered", "handoffsOffered"), ("accepted", "handoffsAccepted"), ("completed", "handoffsCompleted"), ("failed", "handoffsFailed"), ("taken", "handoffsTaken") })
            Assert.Equal(counters[counter]!.GetValue<long>(), handoffs.Value(("stage", stage)));
        Assert.True(scrape.Family("connactors_cluster_loads_published_total").Samples.Single().Value > 0);
        Assert.Equal("COUNTER", scrape.Family("connactors_cluster_messages_sent_total").Type);
        Assert.Equal(0, scrape.Family("connactors_cluster_refused_total").Samples.Single().Value);
        // The counter of suspicions of a silent allocator, between what the Negotiator reported before and after the scrape.
        long suspectedBefore = counters["allocatorsSuspected"]!.GetValue<long>();
        var suspicions = (await ScrapeAsync(first)).Family("connactors_cluster_allocator_suspicions_total");
        long suspectedAfter = (await first.ClusterAsync())["counters"]!["allocatorsSuspected"]!.GetValue<long>();
        Assert.Equal("COUNTER", suspicions.Type);
        Assert.InRange(suspicions.Samples.Single().Value, suspectedBefore, suspectedAfter);

        var queried = GrafanaDashboard.QueriedMetrics().Where(name => name.StartsWith("connactors_cluster_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(queried);
        Assert.All(queried, name => Assert.True(scrape.Families.ContainsKey(name), $"the Grafana dashboard queries {name}, which a clustered node does not serve"));
    }

    [Fact]
    public async Task Share_metric_is_the_hard_cap_the_node_published()
    {
        await fleet.Fleet.WaitUntilAsync(async () =>
        {
            var scrape = await ScrapeAsync(fleet.Second);
            var site = (await fleet.Second.ClusterAsync())["sites"]![0]!;
            int published = site["allocations"]![fleet.Second.ClusterAddress]!.GetValue<int>();
            return scrape.Family("connactors_cluster_site_share").Value(("site", "lab")) == published
                && published == await fleet.Second.HardCapAsync()
                && scrape.Family("connactors_cluster_site_allocated").Value(("site", "lab")) == site["allocations"]!.AsObject().Sum(a => a.Value!.GetValue<int>());
        }, "the share metric equal to the published share and the hard cap in force", TimeSpan.FromSeconds(30));
    }

    private static async Task<PrometheusText> ScrapeAsync(FleetNode node)
    {
        var scrape = await node.Api.GetAsync("/metrics");
        scrape.Expect(HttpStatusCode.OK);
        return await PrometheusText.ParseAsync(scrape.Json!.GetValue<string>());
    }
}
