using System.Net;
using System.Text.Json.Nodes;
using ConnActors.Actors.Dht;
using ConnActors.Libp2p.Encoding;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Kad.Protocol;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Node.Tests.Support;
using Google.Protobuf;

namespace ConnActors.Node.Tests.Metrics;

/// <summary>
/// The DHT's families in <c>GET /metrics</c> of a node process, parsed by the Prometheus parser of the other metrics
/// tests, while the other node provides, this one looks up a provider and a peer, and a raw libp2p host sends bad
/// input and a record the node does not keep: the values agree with what happened and with <c>/api/dht/routing-table</c>.
/// </summary>
public sealed class DhtMetricsTests(DhtNodePair nodes) : IClassFixture<DhtNodePair>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Scrape_follows_lookups_served_requests_bad_input_and_refusals()
    {
        var before = await PrometheusText.ScrapeAsync(nodes.First);
        Assert.Equal("GAUGE", before.Family("connactors_dht_routing_table_peers").Type);
        Assert.Equal("COUNTER", before.Family("connactors_dht_lookups_started_total").Type);
        Assert.Equal("HISTOGRAM", before.Family("connactors_dht_lookup_duration_seconds").Type);
        Assert.All(DhtBadInputKinds.All, kind => Assert.Equal(0, before.Family("connactors_dht_bad_input_total").Value(("kind", kind))));
        Assert.All(DhtRefusalReasons.All, reason => Assert.Equal(0, before.Family("connactors_dht_requests_refused_total").Value(("reason", reason))));
        double lookupsBefore = Single(before, "connactors_dht_lookup_duration_seconds").Value;

        string key = DhtNodePair.RandomKey();
        (await nodes.Second.PostAsync("/api/dht/provide", new { key })).Expect(HttpStatusCode.OK);
        var providers = await nodes.First.PostAsync("/api/dht/find-providers", new { key, count = 1 });
        providers.Expect(HttpStatusCode.OK);
        var peer = await nodes.First.PostAsync("/api/dht/find-peer", new { peerId = nodes.SecondPeer });
        peer.Expect(HttpStatusCode.OK);
        await SendBadInputAndAnIpnsRecordAsync();

        var after = await ScrapeUntilAsync(s =>
            Single(s, "connactors_dht_lookup_duration_seconds").Value >= lookupsBefore + 2
            && s.Family("connactors_dht_bad_input_total").Value(("kind", DhtBadInputKinds.OversizedMessage)) == 1
            && s.Family("connactors_dht_requests_refused_total").Value(("reason", DhtRefusalReasons.PutValueRefused)) == 1,
            "two lookups observed, the oversized message and the /ipns/ record counted");
        var api = await nodes.First.GetOkAsync("/api/dht/routing-table");
        var counters = api["counters"]!;

        Assert.Equal(api["size"]!.GetValue<int>(), after.Family("connactors_dht_routing_table_peers").Samples.Single().Value);
        Assert.Equal(1, after.Family("connactors_dht_routing_table_peers").Samples.Single().Value);
        foreach (var kind in counters["lookupsByKind"]!.AsArray())
        {
            string name = kind!["kind"]!.GetValue<string>();
            Assert.Equal(kind["started"]!.GetValue<long>(), after.Family("connactors_dht_lookups_started_total").Value(("kind", name)));
            Assert.Equal(kind["succeeded"]!.GetValue<long>(), after.Family("connactors_dht_lookups_succeeded_total").Value(("kind", name)));
            Assert.Equal(kind["timedOut"]!.GetValue<long>(), after.Family("connactors_dht_lookups_failed_total").Value(("kind", name), ("reason", "timed_out")));
        }
        Assert.Equal(1, after.Family("connactors_dht_lookups_succeeded_total").Value(("kind", "find_providers")));
        Assert.Equal(1, after.Family("connactors_dht_lookups_succeeded_total").Value(("kind", "find_peer")));
        Assert.Equal(counters["connectionsOpened"]!.GetValue<long>(), after.Family("connactors_dht_connections_opened_total").Samples.Single().Value);
        // The second node's provide asked this one for its closest peers and sent it the ADD_PROVIDER.
        Assert.True(after.Family("connactors_dht_requests_served_total").Samples.Single().Value >= 2);
        Assert.Equal(counters["requestsServed"]!.GetValue<long>(), after.Family("connactors_dht_requests_served_total").Samples.Single().Value);
        Assert.Equal(1, after.Family("connactors_dht_bad_input_total").Value(("kind", DhtBadInputKinds.OversizedMessage)));
        Assert.Equal(1, counters["badInput"]![DhtBadInputKinds.OversizedMessage]!.GetValue<long>());

        // The duration histogram holds the two lookups' times as their answers gave them.
        var duration = Single(after, "connactors_dht_lookup_duration_seconds");
        double answered = (providers.Json!["stats"]!["durationMs"]!.GetValue<double>() + peer.Json!["stats"]!["durationMs"]!.GetValue<double>()) / 1000;
        // The API rounds each duration to 0.1 ms (DhtEndpoints), so the exact sum may be up to 0.05 ms per lookup below.
        Assert.True(duration.Sum >= answered - 2 * 0.00005 - 1e-9, $"duration sum {duration.Sum} s below the two lookups' {answered} s");
        Assert.Equal(duration.Value, duration.Buckets!["+Inf"]);
        var opened = Single(after, "connactors_dht_lookup_connections_opened");
        Assert.Equal(duration.Value, opened.Value);
        Assert.True(opened.Sum <= counters["connectionsOpened"]!.GetValue<long>());
    }

    // An oversized frame (bad input: reset, penalty) and a PUT_VALUE of an /ipns/ record (refused, no penalty),
    // each on its own stream of a raw libp2p host's connection.
    private async Task SendBadInputAndAnIpnsRecordAsync()
    {
        await using var raw = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
        using var cancel = new CancellationTokenSource(Wait);
        var connection = await raw.DialAsync(Multiaddr.Parse(nodes.FirstAddress), cancel.Token);
        var stream = await raw.NewStreamAsync(connection, [KadProtocol.Id]);
        await stream.WriteAsync((byte[])[.. Varint.Encode(10_000_000), 1, 2, 3], cancel.Token);
        var buffer = new byte[16];
        var reset = await Xunit.Record.ExceptionAsync(async () => { while (await stream.ReadAsync(buffer, cancel.Token) > 0) { } });
        Assert.True(reset is IOException, $"the node should reset the stream, got {reset?.GetType().Name ?? "a clean end"}");

        byte[] ipns = "/ipns/k51qzi5uqu5dl"u8.ToArray();
        var put = new Message
        {
            Type = Message.Types.MessageType.PutValue,
            Key = ByteString.CopyFrom(ipns),
            Record = new Libp2p.Kad.Protocol.Record { Key = ByteString.CopyFrom(ipns), Value = ByteString.CopyFrom([1, 2, 3]) },
        };
        await Assert.ThrowsAnyAsync<IOException>(() => KadClient.RequestAsync(raw, connection, put, new KadLimits(), Wait, cancel.Token));
    }

    private static PrometheusSample Single(PrometheusText scrape, string histogram) => Assert.Single(scrape.Family(histogram).Samples);

    private async Task<PrometheusText> ScrapeUntilAsync(Func<PrometheusText, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var scrape = await PrometheusText.ScrapeAsync(nodes.First);
            if (condition(scrape)) return scrape;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not seen in /metrics within {Wait.TotalSeconds}s: {what}\n{nodes.FirstProcess.Stdout}");
            await Task.Delay(200);
        }
    }
}
