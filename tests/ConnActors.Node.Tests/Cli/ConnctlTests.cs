using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests.Cli;

/// <summary>connctl run as a process against a node process: every palette, tables and --json, the token from the data directory or CONNACTORS_TOKEN, and the exit codes 0/1/2/3.</summary>
public sealed class ConnctlTests(ServingNode node) : IClassFixture<ServingNode>
{
    private string NodeUrl => node.Api.BaseAddress.ToString().TrimEnd('/');

    private string[] On(params string[] args) => [.. args, "--node", NodeUrl];

    private string[] WithDataDir(params string[] args) => [.. On(args), "--data-dir", node.Directories.DataDir];

    [Fact]
    public async Task Status_prints_a_table_and_the_same_status_as_json()
    {
        var table = (await ConnctlProcess.RunAsync(On("status"))).Expect(0);
        var json = (await ConnctlProcess.RunAsync(On("status", "--json"))).Expect(0).Json;

        string peerId = (await node.Api.GetOkAsync("/api/status"))["peerId"]!.GetValue<string>();
        Assert.Contains(peerId, table.Stdout, StringComparison.Ordinal);
        Assert.Contains("hard cap", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(peerId, json["peerId"]!.GetValue<string>());
        Assert.True(json["counts"]!["hardCap"]!.GetValue<int>() > 0);
    }

    [Fact]
    public async Task Friend_add_list_and_remove_with_the_token_from_the_data_directory()
    {
        var (peer, address) = TestPeers.UnreachableFriend();

        (await ConnctlProcess.RunAsync(WithDataDir("friend", "add", address))).Expect(0);
        var listed = (await ConnctlProcess.RunAsync(On("friend", "list", "--json"))).Expect(0).Json.AsArray();
        var table = (await ConnctlProcess.RunAsync(On("friend", "list"))).Expect(0);
        (await ConnctlProcess.RunAsync(WithDataDir("friend", "remove", peer))).Expect(0);
        var after = (await ConnctlProcess.RunAsync(On("friend", "list", "--json"))).Expect(0).Json.AsArray();

        Assert.Contains(listed, p => p!["peerId"]!.GetValue<string>() == peer);
        Assert.Contains(peer, table.Stdout, StringComparison.Ordinal);
        Assert.Contains("friend", table.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(after, p => p!["peerId"]!.GetValue<string>() == peer);
    }

    [Fact]
    public async Task Change_without_a_token_is_refused_with_exit_code_1_and_a_hint()
    {
        var (peer, address) = TestPeers.UnreachableFriend();

        var refused = (await ConnctlProcess.RunAsync(On("friend", "add", address))).Expect(1);

        Assert.Contains("401", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("CONNACTORS_TOKEN", refused.Stderr, StringComparison.Ordinal);
        var peers = (await ConnctlProcess.RunAsync(On("peers", "list", "--json"))).Expect(0).Json.AsArray();
        Assert.DoesNotContain(peers, p => p!["peerId"]!.GetValue<string>() == peer);
    }

    [Fact]
    public async Task Token_from_the_environment_is_used()
    {
        string peer = TestPeers.NewPeerId();

        (await ConnctlProcess.RunAsync(On("protect", peer, "env"), token: node.Token)).Expect(0);

        var shown = (await ConnctlProcess.RunAsync(On("peers", "show", peer, "--json"))).Expect(0).Json;
        Assert.True(shown["isProtected"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Protect_unprotect_and_penalty_show_in_peers_show()
    {
        string peer = TestPeers.NewPeerId();

        (await ConnctlProcess.RunAsync(WithDataDir("protect", peer, "ops"))).Expect(0);
        Assert.True((await ConnctlProcess.RunAsync(On("peers", "show", peer, "--json"))).Expect(0).Json["isProtected"]!.GetValue<bool>());
        var table = (await ConnctlProcess.RunAsync(On("peers", "show", peer))).Expect(0);
        Assert.Contains("isProtected", table.Stdout, StringComparison.Ordinal);

        (await ConnctlProcess.RunAsync(WithDataDir("penalty", peer, "40"))).Expect(0);
        (await ConnctlProcess.RunAsync(WithDataDir("unprotect", peer, "ops"))).Expect(0);
        var shown = (await ConnctlProcess.RunAsync(On("peers", "show", peer, "--json"))).Expect(0).Json;
        Assert.False(shown["isProtected"]!.GetValue<bool>());
        Assert.InRange(shown["penalty"]!.GetValue<double>(), double.Epsilon, 40);
    }

    [Fact]
    public async Task Peers_list_filters_by_subsystem_and_sorts_by_score()
    {
        string[] peers = [TestPeers.NewPeerId(), TestPeers.NewPeerId(), TestPeers.NewPeerId()];
        for (int i = 0; i < peers.Length; i++) (await ConnctlProcess.RunAsync(WithDataDir("penalty", peers[i], $"{10 * (i + 1)}"))).Expect(0);

        var sorted = (await ConnctlProcess.RunAsync(On("peers", "list", "--sort", "score", "--json"))).Expect(0).Json.AsArray();
        var scores = sorted.Select(p => p!["score"]!.GetValue<double>()).ToList();
        var none = (await ConnctlProcess.RunAsync(On("peers", "list", "--subsystem", "dht", "--json"))).Expect(0).Json.AsArray();

        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.True(peers.All(p => sorted.Any(s => s!["peerId"]!.GetValue<string>() == p)));
        Assert.Empty(none); // no peer of this node speaks the DHT
    }

    [Fact]
    public async Task Quota_show_and_peers_trim()
    {
        var quotas = (await ConnctlProcess.RunAsync(On("quota", "show", "--json"))).Expect(0).Json.AsArray();
        var table = (await ConnctlProcess.RunAsync(On("quota", "show"))).Expect(0);
        var trim = (await ConnctlProcess.RunAsync(WithDataDir("peers", "trim"))).Expect(0);

        var status = await node.Api.GetOkAsync("/api/status");
        Assert.Equal(status["quotas"]!.ToJsonString(), quotas.ToJsonString());
        Assert.Contains("dht", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("regulation round", trim.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_refusal_is_exit_code_1_with_its_message()
    {
        var refused = (await ConnctlProcess.RunAsync(WithDataDir("friend", "add", "/ip4/127.0.0.1/tcp/4001"))).Expect(1);
        var unknown = (await ConnctlProcess.RunAsync(On("peers", "show", TestPeers.NewPeerId()))).Expect(1);

        Assert.Contains("must end in /p2p/", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("404", unknown.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("peers", "lst")]
    [InlineData("friend", "add")]
    [InlineData("penalty", "12D3KooWA3S5FVy33EgcCQyP6NeFN1THBVFnjse6bEouicG2eEXR", "-5")]
    [InlineData("peers", "list", "--sort", "age")]
    [InlineData("status", "--node", "not a url")]
    [InlineData("tail", "--count", "0")]
    [InlineData("penalty", "12D3KooWA3S5FVy33EgcCQyP6NeFN1THBVFnjse6bEouicG2eEXR", "abc")] // was an unhandled exception (probe, 1 Dec 2026)
    [InlineData("tail", "--count", "abc")]
    public async Task Bad_usage_prints_usage_and_exits_2(params string[] args)
    {
        var result = (await ConnctlProcess.RunAsync(args.Contains("--node") ? args : On(args))).Expect(2);

        Assert.True(result.Stderr.Contains("Usage:", StringComparison.Ordinal) || result.Stderr.Contains("--node must be", StringComparison.Ordinal), result.Stderr);
    }

    [Fact]
    public async Task Unreachable_node_is_exit_code_3()
    {
        int closedPort = TestPeers.ReleasedPort();

        var result = (await ConnctlProcess.RunAsync(["status", "--node", $"http://127.0.0.1:{closedPort}"])).Expect(3);

        Assert.Contains("cannot reach the node", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_prints_the_address_with_the_token_in_the_fragment()
    {
        var result = (await ConnctlProcess.RunAsync(WithDataDir("dashboard"))).Expect(0);

        Assert.Equal($"{NodeUrl}/#token={node.Token}", result.Stdout.Trim());
    }
}
