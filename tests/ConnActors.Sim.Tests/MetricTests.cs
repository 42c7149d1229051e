using CsCheck;
using ConnActors.Sim.Connections;
using ConnActors.Sim.Dht;
using ConnActors.Sim.Model;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Tests;

public class MetricTests
{
    [Fact]
    public void A_links_last_useful_time_follows_its_neighbour_through_adds_and_removes()
    {
        // Operations: (add or remove, neighbour 1..120, useful at second s or never); enough neighbours that
        // the lists grow and give memory back.
        Gen.Select(Gen.Bool, Gen.Int[1, 120], Gen.Int[-1, 1_000]).Array[1, 600].Sample(ops =>
        {
            var links = new Adjacency(121);
            var expected = new Dictionary<int, long>();
            foreach (var (add, peer, second) in ops)
            {
                if (add && !expected.ContainsKey(peer))
                {
                    links.Add(0, peer, LinkFlags.None);
                    long at = -1;
                    if (second >= 0)
                    {
                        links.MarkUseful(0, links.IndexOf(0, peer), second * 1000L);
                        at = second * 1000L;
                    }
                    expected[peer] = at;
                }
                else if (!add && expected.Remove(peer, out long was))
                {
                    links.RemoveAt(0, links.IndexOf(0, peer), out long usefulAt);
                    Assert.Equal(was, usefulAt);
                }
            }
            Assert.Equal(expected.Count, links.Degree(0));
            foreach (var (peer, at) in expected) Assert.Equal(at, links.UsefulAtMs(0, links.IndexOf(0, peer)));
        });
    }

    [Fact]
    public void A_server_is_in_a_routing_table_exactly_when_the_table_answers_with_it_for_its_own_id()
    {
        var scenario = new ScenarioSettings { Name = "t", Description = "t", Nodes = 4_000 };
        var (nodes, _) = NetworkBuilder.Build(scenario, 11);
        var dht = new DhtIndex(nodes, 11);
        var servers = Enumerable.Range(0, nodes.Count).Where(n => !nodes.Unreachable[n]).ToArray();
        Gen.Select(Gen.Int[0, nodes.Count - 1], Gen.Int[0, servers.Length - 1], Gen.Int[0, 1_000]).Sample((self, peerIndex, onlineSeed) =>
        {
            int peer = servers[peerIndex];
            if (peer == self) return;
            var random = new Random(onlineSeed);
            var online = new bool[nodes.Count];
            for (int i = 0; i < online.Length; i++) online[i] = random.NextDouble() < 0.5;
            online[peer] = true;
            Span<int> known = stackalloc int[20];
            int n = dht.ClosestKnown(self, nodes.DhtId[self], nodes.DhtId[peer], online, known);
            bool answered = known[..n].Contains(peer);
            Assert.Equal(answered, dht.InRoutingTable(self, nodes.DhtId[self], peer, nodes.DhtId[peer], online, 20));
        }, iter: 300);
    }

    [Fact]
    public void A_client_is_never_in_a_routing_table()
    {
        var scenario = new ScenarioSettings { Name = "t", Description = "t", Nodes = 2_000 };
        var (nodes, _) = NetworkBuilder.Build(scenario, 3);
        var dht = new DhtIndex(nodes, 3);
        var online = Enumerable.Repeat(true, nodes.Count).ToArray();
        int client = Enumerable.Range(0, nodes.Count).First(n => nodes.Unreachable[n]);
        for (int self = 0; self < 200; self++)
        {
            if (self != client) Assert.False(dht.InRoutingTable(self, nodes.DhtId[self], client, nodes.DhtId[client], online, 20));
        }
    }

    [Fact]
    public void A_router_that_overflows_is_counted_once()
    {
        var routers = new RouterTable();
        int small = routers.Add(1), big = routers.Add(10);
        Assert.True(routers.TryTake(small));
        Assert.False(routers.TryTake(small));
        Assert.False(routers.TryTake(small));
        Assert.True(routers.TryTake(big));
        Assert.Equal(1, routers.OverflowedCount);
    }

    [Theory]
    [InlineData(true, null, 59_999, true)]     // a trim without a bye: the 60 s window
    [InlineData(true, null, 60_000, false)]
    [InlineData(true, 0L, 1, false)]           // a bye that asked for no backoff
    [InlineData(true, 10_000L, 9_999, true)]
    [InlineData(true, 10_000L, 10_000, false)]
    [InlineData(false, null, 1, false)]        // a release asks nothing
    public void A_redial_breaks_politeness_only_inside_what_was_asked(bool trim, long? byeBackoffMs, long after, bool violated)
    {
        var close = new ClosedPair(1_000, trim, byeBackoffMs);
        Assert.Equal(violated, close.Violated(1_000 + after, Connector.RedialWindowMs));
    }

    [Fact]
    public void V2_keeps_the_peers_that_are_useful_to_it_where_basic_trims_them()
    {
        var settings = SimTestRuns.Small("dht-heavy", nodes: 1_000, minutes: 15);
        var (_, basic) = SimTestRuns.Run(settings, "basic");
        var (v2Sim, v2) = SimTestRuns.Run(settings, "v2");
        var (noBurstSim, noBurst) = SimTestRuns.Run(settings, "v2-no-burst");
        Assert.True(basic.UsefulPeerTrims > 100, $"basic trimmed only {basic.UsefulPeerTrims} useful peers: the scenario does not stress");
        Assert.True(v2.UsefulPeerTrims * 2 <= basic.UsefulPeerTrims, $"v2 {v2.UsefulPeerTrims} vs basic {basic.UsefulPeerTrims}");
        Assert.True(v2.BurstReleases > 0);
        Assert.Equal(0, noBurst.BurstReleases);
        // Released peers mostly just answered a query: useful by the metric's definition, counted apart.
        Assert.InRange(v2.UsefulPeerReleases, 1, v2.BurstReleases);
        Assert.Equal(0, noBurst.UsefulPeerReleases);
        Assert.Empty(v2Sim.FindInconsistencies());
        Assert.Empty(noBurstSim.FindInconsistencies());
    }

    [Fact]
    public void V2_redials_the_peers_it_trimmed_itself_within_the_hold_only_for_a_lookups_closest_and_without_the_hold_it_does()
    {
        var settings = SimTestRuns.Small("shared-router", nodes: 800, minutes: 12);
        var (_, strict) = SimTestRuns.Run(settings, "v2-strict-hold");
        var (_, held) = SimTestRuns.Run(settings, "v2");
        var (_, unheld) = SimTestRuns.Run(settings, "v2-no-owntrim");
        Assert.True(strict.DialsHeldAfterOwnTrim > 0);
        Assert.Equal(0, strict.RedialsAfterOwnTrim);
        Assert.Equal(0, unheld.DialsHeldAfterOwnTrim);
        Assert.True(unheld.RedialsAfterOwnTrim > 0);
        // v2 redials within the hold only where a lookup needs the peer among the closest to its key: a few of the held.
        Assert.True(held.RedialsAfterOwnTrim * 2 < unheld.RedialsAfterOwnTrim && held.RedialsAfterOwnTrim * 4 < held.DialsHeldAfterOwnTrim,
            $"v2 redialled {held.RedialsAfterOwnTrim} peers within the hold, {unheld.RedialsAfterOwnTrim} without the hold ({held.DialsHeldAfterOwnTrim} held)");
        Assert.True(held.RedialsAfterOwnTrim <= held.RedialsByTrimmingNodes);
    }
}
