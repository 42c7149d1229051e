using System.Net;
using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests;

/// <summary>
/// The DHT endpoints of two node processes on loopback: one provides a key and the other finds it, finds
/// the first peer, and lists its routing table; bad input is a 400 naming the field.
/// </summary>
public sealed class DhtHttpTests : IAsyncLifetime
{
    private readonly NodeDirectories _firstDirectories = new("connactors.dht.mode = server");
    private NodeDirectories? _secondDirectories;
    private NodeProcess? _firstNode, _secondNode;
    private ManagementApi? _first, _second;
    private string _firstPeer = "";

    public async Task InitializeAsync()
    {
        var (node, api) = await NodeProcess.StartServingAsync(_firstDirectories);
        (_firstNode, _first) = (node, new ManagementApi(api, _firstDirectories.Token));
        var status = await _first.GetOkAsync("/api/status");
        _firstPeer = status["peerId"]!.GetValue<string>();
        string address = $"{status["listenAddresses"]![0]!.GetValue<string>()}/p2p/{_firstPeer}";
        _secondDirectories = new NodeDirectories($"connactors.dht {{ mode = server, bootstrap = [\"{address}\"] }}");
        (node, api) = await NodeProcess.StartServingAsync(_secondDirectories);
        (_secondNode, _second) = (node, new ManagementApi(api, _secondDirectories.Token));
    }

    [Fact]
    public async Task A_provided_key_is_found_by_the_other_node_which_also_finds_the_provider_peer()
    {
        string key = "1220" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var provided = await _second!.PostAsync("/api/dht/provide", new { key });
        provided.Expect(HttpStatusCode.OK);
        Assert.Equal(1, provided.Json!["peers"]!.GetValue<int>());
        string secondPeer = (await _second.GetOkAsync("/api/status"))["peerId"]!.GetValue<string>();

        var found = await _first!.PostAsync("/api/dht/find-providers", new { key, count = 1 });
        found.Expect(HttpStatusCode.OK);
        Assert.Contains(found.Json!["providers"]!.AsArray(), p => p!["peerId"]!.GetValue<string>() == secondPeer);
        Assert.True(found.Json["stats"]!["durationMs"]!.GetValue<double>() >= 0);

        var peer = await _first.PostAsync("/api/dht/find-peer", new { peerId = secondPeer });
        peer.Expect(HttpStatusCode.OK);
        Assert.True(peer.Json!["found"]!.GetValue<bool>());

        var table = await _first.GetOkAsync("/api/dht/routing-table");
        Assert.Equal("server", table["mode"]!.GetValue<string>());
        Assert.Equal(1, table["size"]!.GetValue<int>());
        Assert.Contains(table["buckets"]!.AsArray().SelectMany(b => b!["peers"]!.AsArray()), p => p!["peerId"]!.GetValue<string>() == secondPeer);
    }

    [Fact]
    public async Task A_dht_change_follows_the_api_rules_a_token_and_json()
    {
        var noToken = new ManagementApi(_first!.BaseAddress);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await noToken.PostAsync("/api/dht/provide", new { key = "1220" + new string('a', 64) })).Status);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await noToken.PostAsync("/api/dht/find-providers", new { key = "1220" + new string('a', 64) })).Status);
        noToken.Dispose();
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field()
    {
        Assert.Contains("'peerId' is not a peer id", (await _first!.PostAsync("/api/dht/find-peer", new { peerId = "nope" })).BadRequestError());
        Assert.Contains("'key' is required", (await _first.PostAsync("/api/dht/provide", new { })).BadRequestError());
        Assert.Contains("'key' is not a key", (await _first.PostAsync("/api/dht/provide", new { key = "1220abcd" })).BadRequestError());
        Assert.Contains("'count' must be a whole number", (await _first.PostAsync("/api/dht/find-providers", new { key = "1220" + new string('a', 64), count = 0 })).BadRequestError());
    }

    public Task DisposeAsync()
    {
        _first?.Dispose();
        _second?.Dispose();
        _firstNode?.Dispose();
        _secondNode?.Dispose();
        _firstDirectories.Dispose();
        _secondDirectories?.Dispose();
        return Task.CompletedTask;
    }
}
