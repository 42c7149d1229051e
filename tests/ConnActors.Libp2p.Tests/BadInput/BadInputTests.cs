using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Multistream;
using ConnActors.Libp2p.Noise;
using ConnActors.Libp2p.Tests.Support;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Tests.BadInput;

/// <summary>Each misbehaving peer loses only its own connection, with a reason, and the node keeps serving.</summary>
public class BadInputTests
{
    private static readonly TimeSpan Wait = Bounded.Limit;

    // Short enough for the timeout tests, long enough that an honest handshake on a loaded machine never
    // hits them (2 s and 1 s did, at a load average of 27).
    private static HostOptions Tight(HostOptions o) => o with
    {
        HandshakeTimeout = TimeSpan.FromSeconds(10),
        IdleBeforeHandshakeTimeout = TimeSpan.FromSeconds(3),
        Yamux = new YamuxOptions { MaxInboundStreams = 8, MaxRefusedStreams = 4 },
    };

    [Fact]
    public async Task Garbage_before_the_handshake()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectAsync(host);
        // 'G' reads as a 71-byte line that does not end with a newline.
        await raw.SendAsync(System.Text.Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n".PadRight(120, 'x') + "\r\n\r\n"));
        AssertReason("security negotiation (multistream) failed", await observer.WaitForAsync("failed Inbound", Wait));
        await raw.WaitClosedByRemoteAsync(Wait);
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Garbage_during_the_noise_handshake()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectAsync(host);
        await raw.SelectAsync(NoiseHandshake.ProtocolId);
        await raw.SendAsync([0, 32, .. Hosts.RandomBytes(32)]);
        var m2 = new byte[2];
        await raw.ReadExactlyAsync(m2);
        await raw.ReadExactlyAsync(new byte[(m2[0] << 8) | m2[1]]);
        await raw.SendAsync([0, 200, .. Hosts.RandomBytes(200)]);
        AssertReason("noise handshake failed: noise handshake message failed authentication", await observer.WaitForAsync("failed Inbound", Wait));
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Truncated_noise_frame()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using (var raw = await RawPeer.ConnectAsync(host))
        {
            await raw.SelectAsync(NoiseHandshake.ProtocolId);
            await raw.SendAsync([0, 32, 1, 2, 3]);
            raw.Tcp.CloseGracefully();
            AssertReason("connection ended inside noise handshake message 1", await observer.WaitForAsync("failed Inbound", Wait));
        }
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Oversized_noise_frame()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectAsync(host);
        await raw.SelectAsync(NoiseHandshake.ProtocolId);
        await raw.SendAsync([0xff, 0xff, .. Hosts.RandomBytes(1000)]);
        AssertReason("noise handshake message 1 of 65535 bytes exceeds its limit", await observer.WaitForAsync("failed Inbound", Wait));
        await raw.WaitClosedByRemoteAsync(Wait);
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Truncated_noise_frame_after_the_handshake()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using (var raw = await RawPeer.ConnectAsync(host))
        {
            await raw.UpToYamuxAsync();
            await observer.WaitForAsync($"opened Inbound {raw.Identity.PeerId}", Wait);
            await raw.SendAsync([0x03, 0xe8, .. Hosts.RandomBytes(100)]);
            raw.Tcp.CloseGracefully();
            AssertReason("connection ended inside a noise frame (100 of 1000 bytes)", await observer.WaitForAsync($"closed {raw.Identity.PeerId}", Wait));
        }
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Forged_noise_frame_after_the_handshake()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectAsync(host);
        await raw.UpToYamuxAsync();
        await observer.WaitForAsync($"opened Inbound {raw.Identity.PeerId}", Wait);
        await raw.SendAsync([0, 64, .. Hosts.RandomBytes(64)]);
        AssertReason("noise frame failed authentication", await observer.WaitForAsync($"closed {raw.Identity.PeerId}", Wait));
        await raw.WaitClosedByRemoteAsync(Wait);
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Good_peers_are_served_while_many_bad_ones_attack_at_once()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        var attackers = new List<RawPeer>();
        try
        {
            for (var i = 0; i < 30; i++)
            {
                var raw = await RawPeer.ConnectAsync(host);
                attackers.Add(raw);
                // A third say nothing, a third send garbage, a third stall inside multistream.
                if (i % 3 == 1) await raw.SendAsync(Hosts.RandomBytes(300));
                if (i % 3 == 2) await raw.SendAsync([.. Encoding.Varint.Encode(500), .. "/multi"u8.ToArray()]);
            }
            await using var good = await Hosts.StartAsync();
            var conns = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => good.DialAsync(Hosts.AddressOf(host)))).WaitAsync(Wait);
            var echoes = await Task.WhenAll(conns.Select(c => Hosts.EchoAsync(good, c, "fine"u8.ToArray())));
            Assert.All(echoes, e => Assert.Equal("fine"u8.ToArray(), e));
            await Poll.UntilAsync(() => observer.Events.Count(e => e.StartsWith("failed Inbound", StringComparison.Ordinal)) == 30);
            Assert.Equal(0, host.PendingInboundHandshakes);
            Assert.Equal(5, host.Connections.Count);
        }
        finally
        {
            foreach (var raw in attackers) await raw.DisposeAsync();
        }
    }

    [Fact]
    public async Task Bad_identity_signature()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectAsync(host);
        var forging = raw.SecureAsync((identity, staticKey) =>
            NoiseHandshakePayload.Create(identity, staticKey) with { IdentitySignature = identity.Sign("not the static key"u8) });
        await forging.WaitAsync(Wait);
        AssertReason("identity signature over the noise static key does not verify", await observer.WaitForAsync("failed Inbound", Wait));
        await raw.WaitClosedByRemoteAsync(Wait);
        Assert.Empty(host.Connections);
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Multistream_line_over_the_limit()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectAsync(host);
        await raw.SendAsync([.. Encoding.Varint.Encode(MultistreamSelect.MaxLineLength + 1), .. new byte[MultistreamSelect.MaxLineLength + 1]]);
        AssertReason($"exceeds the limit of {MultistreamSelect.MaxLineLength}", await observer.WaitForAsync("failed Inbound", Wait));
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Multistream_line_that_never_ends()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectAsync(host);
        await raw.SendAsync([.. Encoding.Varint.Encode(1000), .. "/multistream"u8.ToArray()]);
        AssertReason("handshake timed out after 10 s during security negotiation", await observer.WaitForAsync("failed Inbound", Wait));
        await raw.WaitClosedByRemoteAsync(Wait);
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Slowloris_handshake_past_its_timeout()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectAsync(host);
        var frame = MultistreamSelect.Frame(MultistreamSelect.ProtocolId, NoiseHandshake.ProtocolId);
        var trickle = Task.Run(async () =>
        {
            try
            {
                foreach (var b in frame)
                {
                    await raw.SendAsync([b]);
                    await Task.Delay(500); // the header's 28 bytes take 14 s, past the 10 s handshake timeout
                }
            }
            catch (IOException) { }
        });
        AssertReason("handshake timed out after 10 s", await observer.WaitForAsync("failed Inbound", Wait));
        Assert.Equal(0, host.PendingInboundHandshakes);
        await trickle.WaitAsync(Wait);
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Connect_and_send_nothing()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectAsync(host);
        AssertReason("idle: no byte within 3 s of accept", await observer.WaitForAsync("failed Inbound", Wait));
        await raw.WaitClosedByRemoteAsync(Wait);
        Assert.Equal(0, host.PendingInboundHandshakes);
        await AssertStillServesAsync(host);
    }

    [Theory]
    [InlineData(1, 0, "unknown yamux version 1")]
    [InlineData(0, 9, "unknown yamux frame type 9")]
    public async Task Yamux_frame_of_unknown_version_or_type(byte version, byte type, string reason)
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectAsync(host);
        await raw.UpToYamuxAsync();
        await raw.SendFrameAsync(version, (YamuxFrameType)type, YamuxFlags.None, 0, 0);
        AssertReason("yamux protocol error: " + reason, await observer.WaitForAsync($"closed {raw.Identity.PeerId}", Wait));
        await raw.WaitClosedByRemoteAsync(Wait);
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Yamux_window_violation()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectAsync(host);
        await raw.UpToYamuxAsync();
        var tooMuch = new YamuxOptions().InitialWindow + 1;
        await raw.SendFrameAsync(0, YamuxFrameType.Data, YamuxFlags.Syn, 1, (uint)tooMuch, new byte[tooMuch]);
        AssertReason("past its window", await observer.WaitForAsync($"closed {raw.Identity.PeerId}", Wait));
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Yamux_ping_flood_from_a_peer_that_never_reads_the_answers()
    {
        // The write deadline is pushed far out: only the flood guard may end this connection. The peer
        // pings until then, however long the host's socket buffers take to fill on a loaded machine.
        var observer = new RecordingObserver();
        var host = await Hosts.StartAsync(observer, o => Tight(o) with { Yamux = Tight(o).Yamux with { WriteTimeout = TimeSpan.FromMinutes(10) } });
        await using var _ = host;
        await using var raw = await RawPeer.ConnectWithSmallReceiveBufferAsync(host);
        await raw.UpToYamuxAsync();
        var closed = observer.WaitForAsync($"closed {raw.Identity.PeerId}", TimeSpan.FromMinutes(3));
        for (uint i = 0; !closed.IsCompleted; i++)
            await raw.SendFrameAsync(0, YamuxFrameType.Ping, YamuxFlags.Syn, 0, i);
        AssertReason("yamux protocol error: ping flood", await closed);
        await AssertStillServesAsync(host);
    }

    [Fact]
    public async Task Yamux_stream_flood_past_the_maximum()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectAsync(host);
        await raw.UpToYamuxAsync();
        for (uint i = 0; i < 8 + 4 + 1; i++)
            await raw.SendFrameAsync(0, YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1 + 2 * i, 0);
        AssertReason("stream flood: more than 4 streams refused past the limit of 8", await observer.WaitForAsync($"closed {raw.Identity.PeerId}", Wait));
        await raw.WaitClosedByRemoteAsync(Wait);
        await AssertStillServesAsync(host);
    }

    private static async Task<(Libp2pHost, RecordingObserver)> StartAsync()
    {
        var observer = new RecordingObserver();
        return (await Hosts.StartAsync(observer, Tight), observer);
    }

    private static Task AssertStillServesAsync(Libp2pHost host) => StillServing.AssertAsync(host);

    private static void AssertReason(string expected, string actualEvent) => StillServing.AssertReason(expected, actualEvent);
}
