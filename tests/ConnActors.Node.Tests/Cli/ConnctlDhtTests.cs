using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests.Cli;

/// <summary>
/// <c>connctl dht</c> run as a process against two DHT node processes: provide on one, find the provider and the peer
/// from the other, the routing table as a table and as JSON, and the exit codes (not found 1, the node's 400 and 401 are 1,
/// bad usage 2, an unreachable node 3).
/// </summary>
public sealed class ConnctlDhtTests(DhtNodePair nodes) : IClassFixture<DhtNodePair>
{
    private string[] OnFirst(params string[] args) => [.. args, "--node", Url(nodes.First), "--data-dir", nodes.FirstDirectories.DataDir];

    private string[] OnSecond(params string[] args) => [.. args, "--node", Url(nodes.Second), "--data-dir", nodes.SecondDirectories.DataDir];

    private static string Url(ManagementApi api) => api.BaseAddress.ToString().TrimEnd('/');

    [Fact]
    public async Task Provide_then_find_providers_and_find_peer_from_the_other_node_as_tables_and_json()
    {
        string key = DhtNodePair.RandomKey();

        var provided = (await ConnctlProcess.RunAsync(OnSecond("dht", "provide", key))).Expect(0);
        var providersTable = (await ConnctlProcess.RunAsync(OnFirst("dht", "find-providers", key, "--count", "1"))).Expect(0);
        var providersJson = (await ConnctlProcess.RunAsync(OnFirst("dht", "find-providers", key, "--count", "1", "--json"))).Expect(0).Json;
        var peerTable = (await ConnctlProcess.RunAsync(OnFirst("dht", "find-peer", nodes.SecondPeer))).Expect(0);
        var peerJson = (await ConnctlProcess.RunAsync(OnFirst("dht", "find-peer", nodes.SecondPeer, "--json"))).Expect(0).Json;

        Assert.Contains($"provided {key} to 1 peer(s)", provided.Stdout, StringComparison.Ordinal);
        Assert.Contains(nodes.SecondPeer, providersTable.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 provider(s)", providersTable.Stdout, StringComparison.Ordinal);
        Assert.Contains("lookup: ", providersTable.Stdout, StringComparison.Ordinal);
        Assert.Equal(key, providersJson["key"]!.GetValue<string>());
        Assert.Equal(nodes.SecondPeer, Assert.Single(providersJson["providers"]!.AsArray())!["peerId"]!.GetValue<string>());
        Assert.Contains($"found {nodes.SecondPeer}", peerTable.Stdout, StringComparison.Ordinal);
        Assert.True(peerJson["found"]!.GetValue<bool>());
        string address = peerJson["addresses"]![0]!.GetValue<string>();
        Assert.StartsWith("/ip4/127.0.0.1/tcp/", address, StringComparison.Ordinal);
        Assert.Contains(address, peerTable.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Routing_table_as_a_table_and_as_the_nodes_json()
    {
        var table = (await ConnctlProcess.RunAsync(OnFirst("dht", "routing-table"))).Expect(0);
        var json = (await ConnctlProcess.RunAsync(OnFirst("dht", "routing-table", "--json"))).Expect(0).Json;

        var api = await nodes.First.GetOkAsync("/api/dht/routing-table");
        Assert.Equal(api["peerId"]!.GetValue<string>(), json["peerId"]!.GetValue<string>());
        Assert.Equal(1, json["size"]!.GetValue<int>());
        Assert.Contains(json["buckets"]!.AsArray().SelectMany(b => b!["peers"]!.AsArray()), p => p!["peerId"]!.GetValue<string>() == nodes.SecondPeer);
        Assert.Contains($"{nodes.FirstPeer} (server mode)", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("routing table 1 peer(s)", table.Stdout, StringComparison.Ordinal);
        Assert.Contains(nodes.SecondPeer, table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_shows_lookups_by_kind_and_the_counters_as_a_table_and_as_the_nodes_json()
    {
        (await ConnctlProcess.RunAsync(OnFirst("dht", "find-peer", nodes.SecondPeer))).Expect(0);

        var table = (await ConnctlProcess.RunAsync(OnFirst("dht", "status"))).Expect(0);
        var json = (await ConnctlProcess.RunAsync(OnFirst("dht", "status", "--json"))).Expect(0).Json;

        var counters = json["counters"]!;
        var findPeer = counters["lookupsByKind"]!.AsArray().Single(k => k!["kind"]!.GetValue<string>() == "find_peer")!;
        Assert.True(findPeer["succeeded"]!.GetValue<long>() >= 1);
        Assert.Equal(findPeer["started"]!.GetValue<long>(), findPeer["succeeded"]!.GetValue<long>());
        Assert.Contains($"{nodes.FirstPeer} (server mode)", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("find_peer", table.Stdout, StringComparison.Ordinal);
        Assert.Contains($"lookups {counters["lookups"]!.GetValue<long>()} ", table.Stdout, StringComparison.Ordinal);
        Assert.Contains($"requests served {counters["requestsServed"]!.GetValue<long>()}", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("bad input: none", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("refused: none", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_peer_the_dht_does_not_know_is_exit_code_1_with_the_json_answer()
    {
        string stranger = TestPeers.NewPeerId();

        var table = (await ConnctlProcess.RunAsync(OnFirst("dht", "find-peer", stranger))).Expect(1);
        var json = (await ConnctlProcess.RunAsync(OnFirst("dht", "find-peer", stranger, "--json"))).Expect(1);

        Assert.Contains($"{stranger} was not found in the DHT", table.Stderr, StringComparison.Ordinal);
        Assert.Contains("lookup: ", table.Stdout, StringComparison.Ordinal);
        Assert.False(json.Json["found"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_nodes_refusals_are_exit_code_1_with_its_message()
    {
        var badKey = (await ConnctlProcess.RunAsync(OnFirst("dht", "provide", "1220abcd"))).Expect(1);
        var badPeer = (await ConnctlProcess.RunAsync(OnFirst("dht", "find-peer", "nope"))).Expect(1);
        var badCount = (await ConnctlProcess.RunAsync(OnFirst("dht", "find-providers", DhtNodePair.RandomKey(), "--count", "0"))).Expect(1);
        var noToken = (await ConnctlProcess.RunAsync(["dht", "provide", DhtNodePair.RandomKey(), "--node", Url(nodes.First)])).Expect(1);

        Assert.Contains("'key' is not a key", badKey.Stderr, StringComparison.Ordinal);
        Assert.Contains("'peerId' is not a peer id", badPeer.Stderr, StringComparison.Ordinal);
        Assert.Contains("'count' must be a whole number", badCount.Stderr, StringComparison.Ordinal);
        Assert.Contains("401", noToken.Stderr, StringComparison.Ordinal);
        Assert.Contains("CONNACTORS_TOKEN", noToken.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await nodes.First.GetOkAsync("/api/dht/routing-table"))["providedKeys"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("dht")]
    [InlineData("dht", "find-peer")]
    [InlineData("dht", "provide")]
    [InlineData("dht", "find-providers", "1220aa", "--count", "many")]
    [InlineData("dht", "routing-tables")]
    [InlineData("dht", "status", "extra")]
    public async Task Bad_usage_prints_usage_and_exits_2(params string[] args)
    {
        var result = (await ConnctlProcess.RunAsync([.. args, "--node", Url(nodes.First)])).Expect(2);

        Assert.Contains("Usage:", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_node_is_exit_code_3()
    {
        var result = (await ConnctlProcess.RunAsync(["dht", "routing-table", "--node", $"http://127.0.0.1:{TestPeers.ReleasedPort()}"])).Expect(3);

        Assert.Contains("cannot reach the node", result.Stderr, StringComparison.Ordinal);
    }
}
