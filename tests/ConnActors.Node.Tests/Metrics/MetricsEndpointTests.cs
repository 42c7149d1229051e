using System.Text.Json.Nodes;
using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests.Metrics;

/// <summary>
/// <c>GET /metrics</c> of a running node, parsed by a Prometheus text parser written by others, while real peers
/// connect, get trimmed with a bye and get refused: every connactors_* family has its Prometheus type, and its
/// values agree with what happened and with <c>/api/status</c>.
/// </summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Scrape_parses_and_follows_admissions_trims_byes_and_refusals()
    {
        await using var node = await PressuredNode.StartAsync();
        var before = await ScrapeAsync(node);
        Assert.Equal(0, Sum(before.Family("connactors_connections")));
        Assert.Equal("GAUGE", before.Family("connactors_connections").Type);
        Assert.Equal("COUNTER", before.Family("connactors_byes_sent_total").Type);
        Assert.Equal(0, before.Family("connactors_byes_sent_total").Value(("reason", "Trimmed")));

        var (kept, trimmed, refused) = await node.RunStoryAsync();

        // The bye goes out once the trimmed node's identify is in, shortly after the trim decision.
        var after = await ScrapeUntilAsync(node, s => s.Family("connactors_byes_sent_total").Value(("reason", "Trimmed")) == 1, "a bye counted");
        var status = await node.Api.GetOkAsync("/api/status");
        // The protected host is the one connection left; its identify stream put it in the "system" subsystem.
        var connections = after.Family("connactors_connections");
        Assert.Equal(1, connections.Samples.Where(s => s.Labels["direction"] == "inbound").Max(s => s.Value));
        Assert.Equal(0, connections.Samples.Where(s => s.Labels["direction"] == "outbound").Sum(s => s.Value));
        Assert.Equal(status["peers"]!.AsArray().Where(p => p!["subsystems"]!.AsArray().Count == 0).Sum(p => p!["inbound"]!.GetValue<int>()),
            connections.Value(("direction", "inbound"), ("subsystem", "unassigned")));
        Assert.Equal(1, after.Family("connactors_byes_sent_total").Value(("reason", "Trimmed")));
        AssertCounterMatches(after.Family("connactors_trims_total"), status["trimsByReason"]!.AsObject());
        AssertCounterMatches(after.Family("connactors_admissions_refused_total"), status["refusalsByReason"]!.AsObject());
        Assert.Equal(0, after.Family("connactors_pending_handshakes").Value(("direction", "inbound")));
        Assert.Equal("GAUGE", after.Family("connactors_dial_queue_length").Type);
        after.Family("connactors_dial_queue_length").Value(("state", "queued"));
        var watermarks = after.Family("connactors_watermarks");
        Assert.Equal(1, watermarks.Value(("level", "low")));
        Assert.Equal(2, watermarks.Value(("level", "high")));
        Assert.Equal(8, watermarks.Value(("level", "hard_cap")));
        foreach (var quota in status["quotas"]!.AsArray())
        {
            string name = quota!["name"]!.GetValue<string>();
            foreach (var kind in new[] { "reserved", "maximum", "used" })
                Assert.Equal(quota[kind]!.GetValue<int>(), after.Family("connactors_quota_slots").Value(("subsystem", name), ("kind", kind)));
        }
        Assert.All(after.Families.Values.Where(f => f.Name.StartsWith("connactors_", StringComparison.Ordinal)),
            f => Assert.True(f.Type is "GAUGE" or "COUNTER" or "HISTOGRAM", $"{f.Name} is {f.Type}"));
        Assert.Contains(after.Families.Keys, name => name.StartsWith("process_", StringComparison.Ordinal));
        _ = (kept, trimmed, refused);

        // The shipped Grafana dashboard asks only for metrics the node serves (the cluster's only when clustered: Cluster/ClusterMetricsTests).
        var queried = GrafanaDashboard.QueriedMetrics().Where(name => !name.StartsWith("connactors_cluster_", StringComparison.Ordinal)).Select(name => FamilyOf(name, after)).ToList();
        Assert.NotEmpty(queried);
        Assert.All(queried, name => Assert.True(after.Families.ContainsKey(name), $"the Grafana dashboard queries {name}, which the node does not serve"));
        Assert.DoesNotContain(after.Families.Keys, name => name.StartsWith("connactors_cluster_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_off_loopback_need_the_token()
    {
        using var directories = new NodeDirectories();
        var (process, uri) = await NodeProcess.StartServingAsync(directories, "http://0.0.0.0:0");
        using (process)
        using (var anonymous = new ManagementApi(uri))
        using (var prometheus = new ManagementApi(uri, directories.Token))
        {
            (await anonymous.GetAsync("/metrics")).Expect(System.Net.HttpStatusCode.Unauthorized);
            var scrape = await prometheus.GetAsync("/metrics");
            scrape.Expect(System.Net.HttpStatusCode.OK);
            var parsed = await PrometheusText.ParseAsync(scrape.Json!.GetValue<string>());
            Assert.Equal(0, Sum(parsed.Family("connactors_connections")));
        }
    }

    private static Task<PrometheusText> ScrapeAsync(PressuredNode node) => PrometheusText.ScrapeAsync(node.Api);

    private static async Task<PrometheusText> ScrapeUntilAsync(PressuredNode node, Func<PrometheusText, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var scrape = await ScrapeAsync(node);
            if (condition(scrape)) return scrape;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not seen in /metrics within 30s: {what}\n{node.Process.Output}");
            await Task.Delay(200);
        }
    }

    // A histogram's series (name_bucket, name_sum, name_count) belong to its family.
    private static string FamilyOf(string series, PrometheusText scrape)
    {
        foreach (string suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal) && scrape.Families.TryGetValue(series[..^suffix.Length], out var family) && family.Type == "HISTOGRAM")
                return family.Name;
        }
        return series;
    }

    private static double Sum(PrometheusFamily family) => family.Samples.Sum(s => s.Value);

    private static void AssertCounterMatches(PrometheusFamily family, JsonObject byReason)
    {
        Assert.Equal("COUNTER", family.Type);
        Assert.NotEmpty(byReason);
        foreach (var (reason, count) in byReason) Assert.Equal(count!.GetValue<long>(), family.Value(("reason", reason)));
    }
}
