using System.Net;
using ConnActors.Node.Tests.Support;

namespace ConnActors.Node.Tests;

/// <summary>
/// The DHT endpoints of two node processes on loopback: one provides a key and the other finds it, finds
/// the first peer, and lists its routing table; bad input is a 400 naming the field; a node without the DHT answers 404.
/// </summary>
public sealed class DhtHttpTests(DhtNodePair nodes) : IClassFixture<DhtNodePair>
{
    private ManagementApi First => nodes.First;

    private ManagementApi Second => nodes.Second;

    [Fact]
    public async Task A_provided_key_is_found_by_the_other_node_which_also_finds_the_provider_peer()
    {
        string key = DhtNodePair.RandomKey();
        var provided = await Second.PostAsync("/api/dht/provide", new { key });
        provided.Expect(HttpStatusCode.OK);
        Assert.Equal(1, provided.Json!["peers"]!.GetValue<int>());
        string secondPeer = nodes.SecondPeer;

        var found = await First.PostAsync("/api/dht/find-providers", new { key, count = 1 });
        found.Expect(HttpStatusCode.OK);
        Assert.Contains(found.Json!["providers"]!.AsArray(), p => p!["peerId"]!.GetValue<string>() == secondPeer);
        Assert.True(found.Json["stats"]!["durationMs"]!.GetValue<double>() >= 0);

        var peer = await First.PostAsync("/api/dht/find-peer", new { peerId = secondPeer });
        peer.Expect(HttpStatusCode.OK);
        Assert.True(peer.Json!["found"]!.GetValue<bool>());

        var table = await First.GetOkAsync("/api/dht/routing-table");
        Assert.Equal("server", table["mode"]!.GetValue<string>());
        Assert.Equal(1, table["size"]!.GetValue<int>());
        Assert.Contains(table["buckets"]!.AsArray().SelectMany(b => b!["peers"]!.AsArray()), p => p!["peerId"]!.GetValue<string>() == secondPeer);
    }

    [Fact]
    public async Task A_dht_change_follows_the_api_rules_a_token_and_json()
    {
        var noToken = new ManagementApi(First.BaseAddress);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await noToken.PostAsync("/api/dht/provide", new { key = "1220" + new string('a', 64) })).Status);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await noToken.PostAsync("/api/dht/find-providers", new { key = "1220" + new string('a', 64) })).Status);
        noToken.Dispose();
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field()
    {
        Assert.Contains("'peerId' is not a peer id", (await First.PostAsync("/api/dht/find-peer", new { peerId = "nope" })).BadRequestError());
        Assert.Contains("'key' is required", (await First.PostAsync("/api/dht/provide", new { })).BadRequestError());
        Assert.Contains("'key' is not a key", (await First.PostAsync("/api/dht/provide", new { key = "1220abcd" })).BadRequestError());
        Assert.Contains("'count' must be a whole number", (await First.PostAsync("/api/dht/find-providers", new { key = "1220" + new string('a', 64), count = 0 })).BadRequestError());
    }

    [Fact]
    public async Task A_node_without_the_dht_answers_404_and_serves_no_dht_metrics()
    {
        using var directories = new NodeDirectories("connactors.dht.enabled = off");
        var (process, uri) = await NodeProcess.StartServingAsync(directories);
        using (process)
        using (var api = new ManagementApi(uri, directories.Token))
        {
            var table = await api.GetAsync("/api/dht/routing-table");
            table.Expect(HttpStatusCode.NotFound);
            Assert.Contains("connactors.dht.enabled = off", table.Json!["error"]!.GetValue<string>(), StringComparison.Ordinal);
            (await api.PostAsync("/api/dht/find-peer", new { peerId = nodes.SecondPeer })).Expect(HttpStatusCode.NotFound);
            var scrape = await PrometheusText.ScrapeAsync(api);
            Assert.DoesNotContain(scrape.Families.Keys, name => name.StartsWith("connactors_dht_", StringComparison.Ordinal));
            Assert.Contains("connactors_connections", scrape.Families.Keys);
        }
    }
}
