using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Protocols;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Libp2p.Tests.Host;

public class HostTests
{
    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/0")]
    [InlineData("/ip6/::1/tcp/0")]
    public async Task Two_hosts_connect_identify_ping_and_echo(string listen)
    {
        var (ao, bo) = (new RecordingObserver(), new RecordingObserver());
        await using var a = await Hosts.StartAsync(ao, listen: listen);
        await using var b = await Hosts.StartAsync(bo, listen: listen);
        var conn = await a.DialAsync(Hosts.AddressOf(b)).WaitAsync(Hosts.Timeout);
        Assert.Equal(b.PeerId, conn.RemotePeer);
        await bo.WaitForAsync($"opened Inbound {a.PeerId}");

        var info = await conn.Identified.WaitAsync(Hosts.Timeout);
        Assert.Contains(ProtocolIds.Ping, info.Protocols);
        Assert.Contains(Hosts.EchoProtocol, info.Protocols);
        Assert.Equal(b.ListenAddresses, info.ListenAddresses);
        Assert.Equal(conn.LocalAddress, info.ObservedAddress);

        Assert.True(await a.PingAsync(conn).WaitAsync(Hosts.Timeout) > TimeSpan.Zero);
        var open = await a.NewStreamAsync(conn, [Hosts.EchoProtocol]).WaitAsync(Hosts.Timeout);
        Assert.Contains(conn.Streams, s => s.Protocol == Hosts.EchoProtocol && !s.IsInbound);
        open.Reset();
        var payload = Hosts.RandomBytes(3 * 1024 * 1024 + 17);
        Assert.Equal(payload, await Hosts.EchoAsync(a, conn, payload));

        await a.CloseConnectionAsync(conn, "test done").Within("close the connection");
        Assert.Equal("test done", await conn.Closed.WaitAsync(Hosts.Timeout));
        await bo.WaitForAsync($"closed {a.PeerId}");
        var onWire = payload.Length + ConnActors.Libp2p.Multistream.MultistreamSelect.Frame(ConnActors.Libp2p.Multistream.MultistreamSelect.ProtocolId, Hosts.EchoProtocol).Length;
        await ao.WaitForAsync($"stream closed /echo/1.0.0 read={onWire} written={onWire}");
    }

    [Fact]
    public async Task Dial_with_the_wrong_peer_id_fails_and_both_sides_release()
    {
        var bo = new RecordingObserver();
        await using var a = await Hosts.StartAsync();
        await using var b = await Hosts.StartAsync(bo);
        var wrong = b.ListenAddresses[0].WithPeerId(PrivateKey.Generate().PeerId);
        var e = await Assert.ThrowsAsync<HandshakeFailedException>(() => a.DialAsync(wrong).WaitAsync(Hosts.Timeout));
        Assert.Contains("was expected", e.Reason);
        await bo.WaitForAsync("failed Inbound");
        Assert.Empty(a.Connections);
        Assert.Empty(b.Connections);
        Assert.Equal(0, b.PendingInboundHandshakes);
    }

    [Fact]
    public async Task A_host_does_not_connect_to_itself()
    {
        // A node that had itself as a friend (an operator's address, a fleet's shared friends list) dialed itself and
        // held both ends as a peer (probe, 1 Dec 2026).
        var observer = new RecordingObserver();
        await using var host = await Hosts.StartAsync(observer);

        var named = await Assert.ThrowsAsync<HandshakeFailedException>(() => host.DialAsync(Hosts.AddressOf(host)).WaitAsync(Hosts.Timeout));
        var unnamed = await Assert.ThrowsAsync<HandshakeFailedException>(() => host.DialAsync(host.ListenAddresses[0]).WaitAsync(Hosts.Timeout));

        Assert.Contains("dial to self", named.Reason);
        Assert.Contains("this host itself", unnamed.Reason);
        await observer.WaitForAsync("failed Inbound");
        Assert.Empty(host.Connections);
        Assert.Equal(0, host.PendingInboundHandshakes);
    }

    [Fact]
    public async Task Gates_refuse_with_reasons_at_each_hook()
    {
        var bo = new RecordingObserver();
        var gate = new RefusingGate();
        await using var b = await Hosts.StartAsync(bo, o => o with { Gate = gate });
        await using var a = await Hosts.StartAsync();

        gate.RefuseAddress = true;
        await Assert.ThrowsAsync<HandshakeFailedException>(() => a.DialAsync(Hosts.AddressOf(b)).WaitAsync(Hosts.Timeout));
        Assert.Contains("refused before handshake: address banned", await bo.WaitForAsync("address banned"));

        gate.RefuseAddress = false;
        gate.RefusePeer = true;
        await Assert.ThrowsAnyAsync<IOException>(() => a.DialAsync(Hosts.AddressOf(b)).WaitAsync(Hosts.Timeout));
        Assert.Contains($"refused after security: peer {a.PeerId} not welcome", await bo.WaitForAsync("not welcome"));

        gate.RefusePeer = false;
        var conn = await a.DialAsync(Hosts.AddressOf(b)).WaitAsync(Hosts.Timeout);
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            var stream = await a.NewStreamAsync(conn, [Hosts.EchoProtocol]).WaitAsync(Hosts.Timeout);
            await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Hosts.Timeout);
        });
        await bo.WaitForAsync("stream refused /echo/1.0.0: echo quota full");
        Assert.True(await a.PingAsync(conn).WaitAsync(Hosts.Timeout) > TimeSpan.Zero);
    }

    private sealed class RefusingGate : IConnectionGate
    {
        public volatile bool RefuseAddress;
        public volatile bool RefusePeer;

        public ValueTask<GateDecision> BeforeHandshakeAsync(ConnectionId id, Multiaddr remote, ConnectionDirection direction) =>
            ValueTask.FromResult(RefuseAddress ? GateDecision.Refuse("address banned") : GateDecision.Allow);

        public ValueTask<GateDecision> AfterSecurityAsync(ConnectionId id, PeerId peer, Multiaddr remote, ConnectionDirection direction) =>
            ValueTask.FromResult(RefusePeer ? GateDecision.Refuse($"peer {peer} not welcome") : GateDecision.Allow);

        public ValueTask<GateDecision> InboundStreamAsync(Libp2pConnection connection, string protocol) =>
            ValueTask.FromResult(protocol == Hosts.EchoProtocol ? GateDecision.Refuse("echo quota full") : GateDecision.Allow);
    }
}
