using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Tests.Support;

namespace ConnActors.Libp2p.Tests.Host;

public class HostDialAndAccountingTests
{
    [Fact]
    public async Task Dns_multiaddr_dials_through_the_resolver_and_dial_peer_reuses_the_connection()
    {
        await using var a = await Hosts.StartAsync();
        await using var b = await Hosts.StartAsync();
        var port = b.ListenAddresses[0].ToTcpEndPoint()!.Port;
        var viaDns = Multiaddr.Parse($"/dns4/localhost/tcp/{port}/p2p/{b.PeerId}");
        var first = await a.DialPeerAsync(b.PeerId, [viaDns]).WaitAsync(Hosts.Timeout);
        var again = await a.DialPeerAsync(b.PeerId, [b.ListenAddresses[0]]).WaitAsync(Hosts.Timeout);
        Assert.Same(first, again);
        Assert.Single(a.ConnectionsTo(b.PeerId));
    }

    [Fact]
    public async Task Dial_peer_reports_every_failed_address()
    {
        await using var a = await Hosts.StartAsync();
        await using var b = await Hosts.StartAsync();
        var wrongPeer = PrivateKey.Generate().PeerId;
        var e = await Assert.ThrowsAsync<HandshakeFailedException>(() =>
            a.DialPeerAsync(wrongPeer, [b.ListenAddresses[0], Multiaddr.Parse("/ip4/127.0.0.1/udp/1")]).WaitAsync(Hosts.Timeout));
        Assert.Contains("was expected", e.Reason);
        Assert.Contains("/ip4/127.0.0.1/udp/1", e.Reason);
    }

    [Fact]
    public async Task Inbound_handshakes_past_the_pending_cap_are_dropped_at_accept()
    {
        var observer = new RecordingObserver();
        await using var host = await Hosts.StartAsync(observer, o => o with { MaxPendingInboundHandshakes = 2, IdleBeforeHandshakeTimeout = TimeSpan.FromSeconds(30) });
        await using var silent1 = await RawPeer.ConnectAsync(host);
        await using var silent2 = await RawPeer.ConnectAsync(host);
        await Poll.UntilAsync(() => host.PendingInboundHandshakes == 2);
        try
        {
            await using var third = await RawPeer.ConnectAsync(host);
            await third.WaitClosedByRemoteAsync(Hosts.Timeout);
        }
        catch (System.Net.Sockets.SocketException)
        {
            // Reset by the host before the client finished setting up its socket: dropped just the same.
        }
        Assert.Contains("more than 2 pending inbound handshakes", await observer.WaitForAsync("pending inbound handshakes", Hosts.Timeout));
        Assert.Equal(2, host.PendingInboundHandshakes);

        silent1.Tcp.Abort();
        silent2.Tcp.Abort();
        await Poll.UntilAsync(() => host.PendingInboundHandshakes == 0);
        await using var good = await Hosts.StartAsync();
        var conn = await good.DialAsync(Hosts.AddressOf(host)).WaitAsync(Hosts.Timeout);
        Assert.True(await good.PingAsync(conn).WaitAsync(Hosts.Timeout) > TimeSpan.Zero);
    }

    [Theory]
    [InlineData("HandshakeTimeout")]
    [InlineData("MaxPendingInboundHandshakes")]
    [InlineData("Yamux.InitialWindow")]
    [InlineData("Yamux.MaxInboundStreams")]
    [InlineData("UnacknowledgedDataTimeout")]
    public async Task Out_of_range_options_are_refused_at_start_naming_the_option(string option)
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Hosts.StartAsync(configure: o => option switch
        {
            "HandshakeTimeout" => o with { HandshakeTimeout = TimeSpan.Zero },
            "MaxPendingInboundHandshakes" => o with { MaxPendingInboundHandshakes = 0 },
            "Yamux.InitialWindow" => o with { Yamux = o.Yamux with { InitialWindow = 1024 } },
            "UnacknowledgedDataTimeout" => o with { UnacknowledgedDataTimeout = TimeSpan.FromMilliseconds(500) },
            _ => o with { Yamux = o.Yamux with { MaxInboundStreams = 0 } },
        }));
        Assert.StartsWith(option + " must be", e.Message);
    }

    [Fact]
    public async Task Identity_from_a_key_file_survives_a_restart()
    {
        var dir = Directory.CreateTempSubdirectory("connactors-host-key-");
        try
        {
            var path = Path.Combine(dir.FullName, "identity.key");
            PeerId first;
            await using (var host = await Hosts.StartAsync(configure: o => o with { Identity = KeyFile.LoadOrCreate(path) }))
                first = host.PeerId;
            await using var again = await Hosts.StartAsync(configure: o => o with { Identity = KeyFile.LoadOrCreate(path) });
            Assert.Equal(first, again.PeerId);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
