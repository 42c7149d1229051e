using ConnActors.Sim.Metrics;
using ConnActors.Sim.Model;
using ConnActors.Sim.Dht;
using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Tests;

public class ModelTests
{
    [Fact]
    public void Session_sampling_reproduces_the_input_points()
    {
        var sessions = new SessionDistribution();
        var samples = Enumerable.Range(0, 20_000).Select(i => sessions.SampleMs((i + 0.5) / 20_000)).ToArray();
        foreach (var (ms, cdf) in SessionDistribution.Points.Skip(1).SkipLast(1))
        {
            double share = samples.Count(s => s <= ms) / (double)samples.Length;
            Assert.InRange(share, cdf - 0.01, cdf + 0.01);
        }
        Assert.InRange(sessions.Cdf(24 * 60_000), 0.499, 0.501);
    }

    [Fact]
    public void Kaplan_meier_accounts_for_censored_sessions()
    {
        var km = new KaplanMeier();
        // Four sessions end at 10, one is still running at 5 (censored), one at 20.
        foreach (long ended in new long[] { 10, 10, 10, 10 }) km.Add(ended, true);
        km.Add(5, false);
        km.Add(20, false);
        Assert.Equal(0.0, km.Cdf(9));
        Assert.Equal(0.8, km.Cdf(10), 6);
    }

    [Fact]
    public void A_subscriber_joins_distinct_topics_and_its_first_is_the_one_it_had_with_one_topic()
    {
        var one = new ScenarioSettings { Name = "t", Description = "t", Nodes = 2_000, Topics = 20, SubscribeShare = 0.8 };
        var (single, _) = NetworkBuilder.Build(one, 7);
        var (several, _) = NetworkBuilder.Build(one with { TopicsPerSubscriber = 5 }, 7);
        Assert.Equal(5, several.TopicSlots);
        int subscribers = 0;
        for (int node = 0; node < several.Count; node++)
        {
            Assert.Equal(single.TopicAt(node, 0), several.TopicAt(node, 0));
            var topics = Enumerable.Range(0, 5).Select(slot => several.TopicAt(node, slot)).ToArray();
            if (!several.Subscribes(node))
            {
                Assert.All(topics, t => Assert.Equal(-1, t));
                continue;
            }
            subscribers++;
            Assert.Equal(5, topics.Distinct().Count());
            Assert.All(topics, t => Assert.InRange(t, 0, 19));
            for (int slot = 0; slot < 5; slot++) Assert.Equal(slot, several.SlotOf(node, topics[slot]));
        }
        Assert.InRange(subscribers, 1_500, 1_700);
        // Every topic gets members, about evenly.
        var perTopic = Enumerable.Range(0, 20).Select(t => Enumerable.Range(0, several.Count).Count(n => several.SlotOf(n, t) >= 0)).ToArray();
        Assert.All(perTopic, count => Assert.InRange(count, 300, 500));
    }

    [Theory]
    [InlineData(0, 20)]
    [InlineData(6, 20)]
    [InlineData(4, 3)]
    public void Topics_per_subscriber_outside_one_to_five_or_above_the_topics_are_refused(int perSubscriber, int topics)
    {
        var scenario = new ScenarioSettings { Name = "t", Description = "t", Nodes = 100, Topics = topics, SubscribeShare = 0.5, TopicsPerSubscriber = perSubscriber };
        var error = Assert.Throws<ArgumentException>(() => NetworkBuilder.Build(scenario, 1));
        Assert.Contains("topics per subscriber", error.Message);
    }

    [Fact]
    public void Closest_online_server_is_the_xor_closest()
    {
        var scenario = new ScenarioSettings { Name = "t", Description = "t", Nodes = 3_000 };
        var (nodes, _) = NetworkBuilder.Build(scenario, 5);
        var dht = new DhtIndex(nodes, 5);
        var random = new Random(3);
        var online = new bool[nodes.Count];
        for (int i = 0; i < online.Length; i++) online[i] = random.NextDouble() < 0.5;
        for (int trial = 0; trial < 200; trial++)
        {
            ulong target = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
            int expected = Enumerable.Range(0, nodes.Count).Where(n => online[n] && !nodes.Unreachable[n])
                .MinBy(n => nodes.DhtId[n] ^ target);
            Assert.Equal(expected, dht.ClosestOnline(target, online));
            int second = Enumerable.Range(0, nodes.Count).Where(n => online[n] && !nodes.Unreachable[n] && n != expected)
                .MinBy(n => nodes.DhtId[n] ^ target);
            Assert.Equal(second, dht.ClosestOnline(target, online, except: expected));
            Assert.Equal(expected, dht.ClosestOnline(target, online, except: second));
        }
    }

    [Fact]
    public void Routing_answers_are_servers_without_the_asker_and_get_closer()
    {
        var scenario = new ScenarioSettings { Name = "t", Description = "t", Nodes = 5_000 };
        var (nodes, _) = NetworkBuilder.Build(scenario, 9);
        var dht = new DhtIndex(nodes, 9);
        var online = Enumerable.Repeat(true, nodes.Count).ToArray();
        var random = new Random(4);
        Span<int> result = stackalloc int[20];
        int asker = Enumerable.Range(0, nodes.Count).First(n => !nodes.Unreachable[n]);
        for (int trial = 0; trial < 100; trial++)
        {
            ulong target = (ulong)random.NextInt64();
            int n = dht.ClosestKnown(asker, nodes.DhtId[asker], target, online, result);
            Assert.InRange(n, 1, 20);
            foreach (int node in result[..n])
            {
                Assert.NotEqual(asker, node);
                Assert.False(nodes.Unreachable[node]);
                // Every answer shares more leading bits with the target than the asker does, or is among the asker's nearest.
                Assert.True((nodes.DhtId[node] ^ target) < (nodes.DhtId[asker] ^ target) || System.Numerics.BitOperations.LeadingZeroCount(nodes.DhtId[asker] ^ target) > 8);
            }
        }
    }

    [Fact]
    public void Routers_refuse_entries_beyond_capacity()
    {
        var routers = new RouterTable();
        int r = routers.Add(2);
        Assert.True(routers.TryTake(r));
        Assert.True(routers.TryTake(r));
        Assert.False(routers.TryTake(r));
        routers.Release(r);
        Assert.True(routers.TryTake(r));
    }
}
