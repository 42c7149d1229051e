using Akka.TestKit.Xunit2;
using ConnActors.Actors.Dht;
using ConnActors.Actors.Host;
using ConnActors.Actors.Tests.Support;
using ConnActors.Libp2p.Encoding;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Kad;
using ConnActors.Libp2p.Kad.Protocol;
using ConnActors.Libp2p.Tests.Support;
using Google.Protobuf;

namespace ConnActors.Actors.Tests.Dht;

/// <summary>
/// Bad input from a peer closes that stream with a logged reason and a penalty, and never harms the
/// node: each case is sent by a raw libp2p host over real sockets, then the node still answers.
/// </summary>
public class DhtBadInputTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly KadLimits Limits = new();

    [Theory]
    [InlineData("oversized", "oversized message")]
    [InlineData("unknown type", "unknown message type")]
    [InlineData("not protobuf", "malformed protobuf")]
    [InlineData("malformed provider address", "malformed peer address")]
    public async Task A_bad_request_resets_its_stream_and_costs_a_penalty(string kind, string category)
    {
        await using var nodes = new NodeFixture(Sys);
        var server = await nodes.StartAsync(DhtNodes.Settings([]));
        await using var raw = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
        var connection = await raw.DialAsync(NodeFixture.AddressOf(server));

        var stream = await raw.NewStreamAsync(connection, [KadProtocol.Id]);
        byte[] frame = kind switch
        {
            "oversized" => [.. Varint.Encode(10_000_000), 1, 2, 3],
            "unknown type" => [2, 0x08, 9],
            "not protobuf" => [3, 0xFF, 0xFF, 0xFF],
            _ => Framed(AddProvider(raw.PeerId, [4, 127, 0])),
        };
        await stream.WriteAsync(frame);
        await StreamReset.AssertAsync(stream, Wait);

        await Eventually.HoldsAsync(async () => (await DhtNodes.StatusAsync(server)).Counters.BadInput.GetValueOrDefault(category) == 1, Wait,
            async () => $"bad input counted: {string.Join(", ", (await DhtNodes.StatusAsync(server)).Counters.BadInput)}");
        await AssertPenalizedAsync(server, raw.PeerId);
        await AssertNoDhtSlotHeldAsync(server);
        await AssertStillServesAsync(raw, connection, server);
    }

    [Fact]
    public async Task A_kad_stream_that_never_sends_a_request_gives_its_dht_slot_back_when_it_idles_out()
    {
        await using var nodes = new NodeFixture(Sys);
        var server = await nodes.StartAsync(DhtNodes.Settings([], "connactors.dht.inbound-idle-timeout = 2s"));
        await using var raw = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
        var connection = await raw.DialAsync(NodeFixture.AddressOf(server));
        // The stream claims a dht slot at the node's gate and then sends nothing.
        var silent = await raw.NewStreamAsync(connection, [KadProtocol.Id]).WaitAsync(Wait);
        await Eventually.HoldsAsync(async () => await DhtSlotsUsedAsync(server) == 1, Wait, "the silent stream claimed no dht slot");

        await AssertNoDhtSlotHeldAsync(server);
        Assert.Single(raw.Connections);
        Assert.Equal(0, (await DhtNodes.StatusAsync(server)).Counters.BadInput.Values.Sum());
        GC.KeepAlive(silent);
    }

    [Fact]
    public async Task An_answer_holds_only_the_providers_that_fit_in_a_message_its_asker_reads()
    {
        await using var nodes = new NodeFixture(Sys);
        var server = await nodes.StartAsync(DhtNodes.Settings([], """
            connactors.dht.max-message-size = 8KiB
            connactors.dht.max-address-bytes-per-peer = 6KiB
            """));
        var key = DhtNodes.RandomKey();
        // Three providers, each with about 5.1 KiB of addresses (20 names of 253 bytes): two would pass 8 KiB.
        for (int p = 0; p < 3; p++)
        {
            await using var provider = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
            var stream = await NewKadStreamAsync(provider, server);
            var entry = new Message.Types.Peer { Id = ByteString.CopyFrom(provider.PeerId.Bytes) };
            for (int a = 0; a < 20; a++) entry.Addrs.Add(ByteString.CopyFrom(Multiaddr.Parse($"/dns4/{new string((char)('a' + a), 253)}/tcp/4001").ToBytes()));
            await KadCodec.WriteAsync(stream, new Message { Type = Message.Types.MessageType.AddProvider, Key = ByteString.CopyFrom(key), ProviderPeers = { entry } }, default);
            int expected = p + 1;
            await Eventually.HoldsAsync(async () => (await DhtNodes.StatusAsync(server)).ProviderRecords == expected, Wait, $"provider {p} not stored");
        }

        await using var asker = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
        var connection = await asker.DialAsync(NodeFixture.AddressOf(server));
        var strict = new KadLimits { MaxMessageSize = 8 * 1024 };
        var answer = await KadClient.RequestAsync(asker, connection, new Message { Type = Message.Types.MessageType.GetProviders, Key = ByteString.CopyFrom(key) }, strict, Wait, default);
        Assert.Single(answer.ProviderPeers);
        Assert.True(answer.CalculateSize() <= 8 * 1024, $"{answer.CalculateSize()} bytes");
    }

    private static async Task<Libp2p.Yamux.YamuxStream> NewKadStreamAsync(Libp2pHost raw, ConnActorsNode server)
    {
        var connection = await raw.DialAsync(NodeFixture.AddressOf(server));
        return await raw.NewStreamAsync(connection, [KadProtocol.Id]).WaitAsync(Wait);
    }

    private static async Task<int> DhtSlotsUsedAsync(ConnActorsNode node) => (await NodeFixture.StatusAsync(node)).Quotas.Single(q => q.Name == "dht").Used;

    private static Task AssertNoDhtSlotHeldAsync(ConnActorsNode node) =>
        Eventually.HoldsAsync(async () => await DhtSlotsUsedAsync(node) == 0, Wait, async () => $"dht slots still used: {await DhtSlotsUsedAsync(node)}");

    [Fact]
    public async Task A_provider_flood_is_cut_off_at_the_per_provider_cap()
    {
        await using var nodes = new NodeFixture(Sys);
        var server = await nodes.StartAsync(DhtNodes.Settings([], "connactors.dht.max-keys-per-provider = 3"));
        await using var raw = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate(), ListenAddresses = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")] });
        var connection = await raw.DialAsync(NodeFixture.AddressOf(server));
        var stream = await raw.NewStreamAsync(connection, [KadProtocol.Id]);
        for (int i = 0; i < 4; i++) await KadCodec.WriteAsync(stream, AddProvider(raw.PeerId, raw.ListenAddresses[0].ToBytes(), DhtNodes.RandomKey()), default);
        await StreamReset.AssertAsync(stream, Wait);
        await Eventually.HoldsAsync(async () => (await DhtNodes.StatusAsync(server)).Counters.BadInput.GetValueOrDefault("provider flood") == 1, Wait, "flood counted");
        Assert.Equal(3, (await DhtNodes.StatusAsync(server)).ProviderRecords);
        await AssertPenalizedAsync(server, raw.PeerId);
        await AssertStillServesAsync(raw, connection, server);
    }

    [Fact]
    public async Task A_peer_that_sends_requests_and_never_reads_the_answers_has_its_stream_reset_as_bad_input()
    {
        await using var nodes = new NodeFixture(Sys);
        var server = await nodes.StartAsync(DhtNodes.Settings([], "connactors.dht.inbound-idle-timeout = 1s"));
        await using var raw = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
        var connection = await raw.DialAsync(NodeFixture.AddressOf(server));
        var stream = await raw.NewStreamAsync(connection, [KadProtocol.Id]);
        // Far more answers than the stream's receive window (256 KiB) holds, none read: the node's writes wait for window.
        var request = new Message { Type = Message.Types.MessageType.FindNode, Key = ByteString.CopyFrom(server.Host.PeerId.Bytes) };
        var requests = Enumerable.Repeat(Framed(request), 8_000).SelectMany(f => f).ToArray();
        try
        {
            await stream.WriteAsync(requests).AsTask().WaitAsync(Wait);
        }
        catch (IOException)
        {
            // The node stopped reading (its answers wait for window) and reset the stream before all the requests were taken.
        }

        await Eventually.HoldsAsync(async () => (await DhtNodes.StatusAsync(server)).Counters.BadInput.GetValueOrDefault(DhtBadInputKinds.UnreadResponses) == 1,
            Wait, async () => $"unread responses not counted: {string.Join(", ", (await DhtNodes.StatusAsync(server)).Counters.BadInput)}");
        await StreamReset.AssertAsync(stream, Wait);
        await AssertPenalizedAsync(server, raw.PeerId);
        await AssertStillServesAsync(raw, connection, server);
    }

    [Fact]
    public async Task Kad_streams_past_the_per_connection_limit_are_reset_and_the_places_come_back_when_held_ones_end()
    {
        await using var nodes = new NodeFixture(Sys);
        var server = await nodes.StartAsync(DhtNodes.Settings([], "connactors.dht.max-inbound-streams-per-connection = 2"));
        await using var raw = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
        var connection = await raw.DialAsync(NodeFixture.AddressOf(server));
        // Two streams that send nothing: their handlers wait for a request (up to the 30 s idle timeout).
        var held = new List<Libp2p.Yamux.YamuxStream>();
        for (int i = 0; i < 2; i++) held.Add(await raw.NewStreamAsync(connection, [KadProtocol.Id]).WaitAsync(Wait));
        var request = new Message { Type = Message.Types.MessageType.FindNode, Key = ByteString.CopyFrom(server.Host.PeerId.Bytes) };
        // The held handlers start asynchronously: a third stream is reset once both have started.
        await Eventually.HoldsAsync(async () => !await AnsweredAsync(raw, connection, request), Wait, "a third kad stream was still served");

        foreach (var stream in held) stream.Reset();
        await Eventually.HoldsAsync(() => AnsweredAsync(raw, connection, request), Wait, "no kad stream served once the held ones ended");
        Assert.Single(raw.Connections);
    }

    private static async Task<bool> AnsweredAsync(Libp2pHost raw, Libp2pConnection connection, Message request)
    {
        try
        {
            await KadClient.RequestAsync(raw, connection, request, Limits, Wait, default);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Records_of_other_namespaces_are_refused_with_a_reason_but_public_keys_are_stored()
    {
        await using var nodes = new NodeFixture(Sys);
        var server = await nodes.StartAsync(DhtNodes.Settings([]));
        await using var raw = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate() });
        var connection = await raw.DialAsync(NodeFixture.AddressOf(server));

        var ipns = PutValue("/ipns/k51qzi5uqu5dl"u8.ToArray(), [1, 2, 3]);
        await Assert.ThrowsAnyAsync<IOException>(() => KadClient.RequestAsync(raw, connection, ipns, Limits, Wait, default));
        Assert.Equal(1, (await DhtNodes.StatusAsync(server)).Counters.Refused.GetValueOrDefault("put value refused"));

        var key = PrivateKey.Generate();
        var pk = PutValue(PublicKeyRecords.KeyOf(key.PeerId), key.PublicKey.ToProtobuf());
        Assert.Equal(pk, await KadClient.RequestAsync(raw, connection, pk, Limits, Wait, default)); // the spec: echoed when stored
        var get = new Message { Type = Message.Types.MessageType.GetValue, Key = pk.Key };
        Assert.Equal(pk.Record.Value, (await KadClient.RequestAsync(raw, connection, get, Limits, Wait, default)).Record.Value);
        Assert.Equal(0, (await NodeFixture.StatusAsync(server)).Peers.Single(p => p.PeerId == raw.PeerId.ToString()).Penalty);
    }

    [Fact]
    public async Task An_answer_with_malformed_closer_peers_is_discarded_and_its_sender_penalized()
    {
        await using var nodes = new NodeFixture(Sys);
        await using var liar = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate(), ListenAddresses = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")] });
        liar.SetStreamHandler(KadProtocol.Id, async context =>
        {
            var request = await KadCodec.ReadAsync(context.Stream, Limits, context.HostStopping);
            var answer = new Message { Type = request!.Type, Key = request.Key };
            answer.CloserPeers.Add(new Message.Types.Peer { Id = ByteString.CopyFrom(PrivateKey.Generate().PeerId.Bytes), Addrs = { ByteString.CopyFrom([4, 127, 0]) } });
            await KadCodec.WriteAsync(context.Stream, answer, context.HostStopping);
        });
        var querier = await nodes.StartAsync(DhtNodes.Settings([liar.ListenAddresses[0].WithPeerId(liar.PeerId)], mode: "client"));

        var found = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(DhtNodes.RandomKey()));
        Assert.Empty(found.Peers);
        await Eventually.HoldsAsync(async () => (await DhtNodes.StatusAsync(querier)).Counters.BadInput.GetValueOrDefault("bad answer") >= 1, Wait, "bad answer counted");
        await AssertPenalizedAsync(querier, liar.PeerId);
    }

    [Fact]
    public async Task A_peer_that_closes_the_stream_without_answering_is_unresponsive_not_penalized()
    {
        // What a host shutting down does: its handler returns and the stream ends cleanly, with no answer.
        await using var nodes = new NodeFixture(Sys);
        await using var closing = await Libp2pHost.StartAsync(new HostOptions { Identity = PrivateKey.Generate(), ListenAddresses = [Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")] });
        closing.SetStreamHandler(KadProtocol.Id, async context => await KadCodec.ReadAsync(context.Stream, Limits, context.HostStopping));
        var querier = await nodes.StartAsync(DhtNodes.Settings([closing.ListenAddresses[0].WithPeerId(closing.PeerId)], mode: "client"));

        var found = await DhtNodes.AskAsync<ClosestPeersFound>(querier, new GetClosestPeers(DhtNodes.RandomKey()));
        Assert.Empty(found.Peers);
        Assert.True(found.Stats.Failed >= 1, $"the query did not fail: {found.Stats}");
        var status = await DhtNodes.StatusAsync(querier);
        Assert.Equal(0, status.Counters.BadInput.GetValueOrDefault(DhtBadInputKinds.BadAnswer));
        Assert.DoesNotContain((await NodeFixture.StatusAsync(querier)).Peers, p => p.PeerId == closing.PeerId.ToString() && p.Penalty > 0);
    }

    private static Message AddProvider(PeerId provider, byte[] address, byte[]? key = null) => new()
    {
        Type = Message.Types.MessageType.AddProvider,
        Key = ByteString.CopyFrom(key ?? DhtNodes.RandomKey()),
        ProviderPeers = { new Message.Types.Peer { Id = ByteString.CopyFrom(provider.Bytes), Addrs = { ByteString.CopyFrom(address) } } },
    };

    private static Message PutValue(byte[] key, byte[] value) => new()
    {
        Type = Message.Types.MessageType.PutValue,
        Key = ByteString.CopyFrom(key),
        Record = new Libp2p.Kad.Protocol.Record { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(value) },
    };

    private static byte[] Framed(Message message) => [.. Varint.Encode((ulong)message.CalculateSize()), .. message.ToByteArray()];

    private static Task AssertPenalizedAsync(ConnActorsNode node, PeerId peer) =>
        Eventually.HoldsAsync(async () => (await NodeFixture.StatusAsync(node)).Peers.Any(p => p.PeerId == peer.ToString() && p.Penalty > 0), Wait,
            $"{peer} was not penalized");

    // The node keeps serving: a valid FIND_NODE on a new stream of the same connection is answered.
    private static async Task AssertStillServesAsync(Libp2pHost raw, Libp2pConnection connection, ConnActorsNode server)
    {
        var request = new Message { Type = Message.Types.MessageType.FindNode, Key = ByteString.CopyFrom(server.Host.PeerId.Bytes) };
        var answer = await KadClient.RequestAsync(raw, connection, request, Limits, Wait, default);
        Assert.Contains(answer.CloserPeers, p => p.Id.Span.SequenceEqual(server.Host.PeerId.Bytes));
    }
}
