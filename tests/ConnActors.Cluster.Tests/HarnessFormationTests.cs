using Akka.Cluster;
using ConnActors.Cluster.Tests.Harness;
using ConnActors.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ConnActors.Cluster.Tests;

public sealed class HarnessFormationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Three_nodes_form_a_cluster_with_their_roles()
    {
        await using var harness = await ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            Log = output.WriteLine,
        });

        foreach (var node in harness.Nodes)
        {
            Assert.Equal("akka.trttl.tcp", node.Address.Protocol);
            Assert.Equal("127.0.0.1", node.Address.Host);
            Assert.NotEqual(0, node.Address.Port);
            var members = node.Cluster.State.Members;
            Assert.Equal(3, members.Count);
            Assert.All(members, m => Assert.Equal(MemberStatus.Up, m.Status));
            Assert.Equal(["gateway"], RolesOf(harness, node, "gateway-1"));
            Assert.Equal(["cluster"], RolesOf(harness, node, "cluster-1"));
            Assert.Equal(["cluster"], RolesOf(harness, node, "cluster-2"));
        }
        Assert.Equal(3, harness.Nodes.Select(n => n.Address.Port).Distinct().Count());
    }

    [Fact]
    public async Task A_node_started_later_joins_the_running_cluster()
    {
        await using var harness = await ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndClusterNode,
            Log = output.WriteLine,
        });

        await harness.StartNodeAsync(NodeSpec.Cluster(2, "akka.cluster.roles = [cluster, spare]"));
        await harness.JoinAsync("cluster-2");
        await harness.WaitConvergedAsync(Bound);

        Assert.Equal(["cluster", "spare"], RolesOf(harness, harness["gateway-1"], "cluster-2").Order());
    }

    [Fact]
    public async Task A_graceful_leave_removes_the_member_everywhere()
    {
        await using var harness = await ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = Topology.GatewayAndTwoClusterNodes,
            Log = output.WriteLine,
        });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await harness.LeaveAsync("cluster-2");
        await harness.WaitForRemovedByAllAsync("cluster-2", Bound);
        output.WriteLine(Support.Measured.Line("leave to removal seen by both survivors", clock.Elapsed));

        Assert.False(harness["cluster-2"].IsAlive);
        await harness.WaitConvergedAsync(Bound, ["gateway-1", "cluster-1"]);
    }

    [Fact]
    public async Task A_node_whose_hocon_does_not_parse_is_named_in_the_error()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = [NodeSpec.Gateway(1), NodeSpec.Cluster(1, "akka.cluster { roles = [")],
            Log = output.WriteLine,
        }));
        Assert.Contains("the HOCON of node cluster-1 does not parse", error.Message);
    }

    [Fact]
    public async Task A_role_the_product_does_not_know_is_refused_naming_the_key()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = [NodeSpec.Gateway(1), NodeSpec.OfRole("edge", 1)],
        }));
        Assert.Contains("connactors.cluster.roles", error.Message);
        Assert.Contains("unknown role 'edge'", error.Message);
    }

    [Fact]
    public async Task Two_nodes_with_one_name_are_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => ClusterHarness.StartAsync(new ClusterHarnessOptions
        {
            Nodes = [NodeSpec.Cluster(1), NodeSpec.Cluster(1)],
        }));
        Assert.Contains("two nodes are named 'cluster-1'", error.Message);
    }

    private static IEnumerable<string> RolesOf(ClusterHarness harness, ClusterNode observer, string subject) =>
        observer.Cluster.State.Members.Single(m => m.Address.Equals(harness[subject].Address)).Roles;
}
