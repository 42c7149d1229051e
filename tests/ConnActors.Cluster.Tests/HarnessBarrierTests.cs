using Akka.Actor;
using ConnActors.Cluster.Tests.Harness;
using ConnActors.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ConnActors.Cluster.Tests;

public sealed class HarnessBarrierTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_barrier_returns_what_every_node_reported_once_all_reached_it()
    {
        await using var harness = await StartAsync();

        // Every node asks the gateway's echo over the wire; the barrier holds when all got an answer.
        var answers = await harness.BarrierAsync(
            "all reach gateway-1's echo",
            async node =>
            {
                var echo = node.SelectOn(harness["gateway-1"], EchoActor.Name);
                return await echo.Ask<Pong>(new Ping(0, node.Name, Guid.NewGuid()), TimeSpan.FromSeconds(5));
            },
            pong => pong.RepliedBy == "gateway-1",
            Bound);

        Assert.Equal(["cluster-1", "cluster-2", "gateway-1"], answers.Keys.Order());
        Assert.All(answers, answer => Assert.Equal(answer.Key, answer.Value.Ping.Text));
    }

    [Fact]
    public async Task A_barrier_that_is_never_reached_fails_within_its_bound_describing_each_node()
    {
        await using var harness = await StartAsync();

        var timeout = TimeSpan.FromSeconds(2);
        var failure = await Assert.ThrowsAsync<TimeoutException>(() =>
            harness.BarrierAsync("four members", node => node.Cluster.State.Members.Count == 4, timeout).WaitAsync(Bound));

        output.WriteLine(failure.Message);
        Assert.Contains("barrier 'four members' not reached within 2.00 s", failure.Message);
        foreach (var name in new[] { "gateway-1", "cluster-1", "cluster-2" })
        {
            Assert.Contains($"{name}: not reached", failure.Message);
            Assert.Contains($"{name} sees gateway-1 Up, cluster-1 Up, cluster-2 Up", failure.Message);
        }
    }

    [Fact]
    public async Task A_barrier_names_the_node_whose_report_failed()
    {
        await using var harness = await StartAsync();

        var failure = await Assert.ThrowsAsync<TimeoutException>(() =>
            harness.BarrierAsync(
                "cluster-2 cannot answer",
                node => node.Name == "cluster-2" ? Task.FromException<int>(new InvalidOperationException("no answer from it")) : Task.FromResult(1),
                value => value == 1,
                TimeSpan.FromSeconds(1)).WaitAsync(Bound));

        Assert.Contains("cluster-2: failed: InvalidOperationException: no answer from it", failure.Message);
        Assert.Contains("gateway-1: reached", failure.Message);
    }

    [Fact]
    public async Task A_barrier_requiring_the_same_value_everywhere_waits_for_agreement()
    {
        await using var harness = await StartAsync();

        var failure = await Assert.ThrowsAsync<TimeoutException>(() =>
            harness.BarrierAsync("same port", node => Task.FromResult(node.Address.Port), _ => true, TimeSpan.FromSeconds(1), sameEverywhere: true).WaitAsync(Bound));
        Assert.Contains("all nodes must report the same value", failure.Message);

        var leaders = await harness.BarrierAsync("same leader", node => Task.FromResult(node.Cluster.State.Leader), leader => leader is not null, Bound, sameEverywhere: true);
        Assert.Single(leaders.Values.Distinct());
    }

    private Task<ClusterHarness> StartAsync() =>
        ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            BeforeJoin = Topology.StartEcho,
            Log = output.WriteLine,
        });
}
