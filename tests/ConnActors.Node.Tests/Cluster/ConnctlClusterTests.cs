using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests.Cluster;

/// <summary><c>connctl cluster show|down</c> run as a process against a two-process cluster: tables and --json, and the exit codes of refusals and bad usage.</summary>
[Collection(TwoNodeFleetCollection.Name)]
public sealed class ConnctlClusterTests(TwoNodeFleet fleet)
{
    private string[] On(FleetNode node, params string[] args) => [.. args, "--node", node.Url];

    [Fact]
    public async Task Show_prints_members_and_shares_and_the_same_answer_as_json()
    {
        var table = (await ConnctlProcess.RunAsync(On(fleet.First, "cluster", "show"))).Expect(0);
        var json = (await ConnctlProcess.RunAsync(On(fleet.Second, "cluster", "show", "--json"))).Expect(0).Json;

        foreach (var node in fleet.Fleet.Nodes) Assert.Contains(node.ClusterAddress, table.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{fleet.First.ClusterAddress} *", table.Stdout, StringComparison.Ordinal); // this node marked
        Assert.Contains("Up", table.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"lab\s*│\s*300\s*│", table.Stdout); // the site, its budget
        Assert.Equal(fleet.Second.ClusterAddress, json["self"]!.GetValue<string>());
        Assert.Equal(fleet.Fleet.Nodes.Select(n => n.ClusterAddress).Order(StringComparer.Ordinal),
            json["members"]!.AsArray().Select(m => m!["address"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("lab", json["sites"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Down_of_a_non_member_is_refused_with_exit_code_1_and_the_node_message()
    {
        var refused = (await ConnctlProcess.RunAsync([.. On(fleet.First, "cluster", "down", "127.0.0.1:1"), "--data-dir", fleet.First.Directories.DataDir])).Expect(1);
        var noToken = (await ConnctlProcess.RunAsync(On(fleet.First, "cluster", "down", fleet.Second.ClusterAddress))).Expect(1);
        var self = (await ConnctlProcess.RunAsync(On(fleet.First, "cluster", "down", fleet.First.ClusterAddress), token: fleet.First.Directories.Token)).Expect(1);

        Assert.Contains("'address' 127.0.0.1:1 is not a member of this cluster", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("401", noToken.Stderr, StringComparison.Ordinal);
        Assert.Contains("POST /api/cluster/leave", self.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, (await fleet.Second.ClusterAsync())["members"]!.AsArray().Count(m => m!["status"]!.GetValue<string>() == "Up"));
    }

    [Theory]
    [InlineData("cluster", "down")]
    [InlineData("cluster", "shw")]
    [InlineData("cluster", "leave", "now")]
    public async Task Bad_usage_prints_usage_and_exits_2(params string[] args)
    {
        var result = (await ConnctlProcess.RunAsync(On(fleet.First, args))).Expect(2);

        Assert.Contains("Usage:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_on_a_node_outside_a_cluster_is_exit_code_1()
    {
        await using var standalone = await StartedNode.StartAsync();

        var result = (await ConnctlProcess.RunAsync(["cluster", "show", "--node", standalone.Url])).Expect(1);

        Assert.Contains("not a member of a cluster", result.Stderr, StringComparison.Ordinal);
    }
}
