using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Multistream;
using ConnActors.Libp2p.Tests.Support;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Tests.BadInput;

/// <summary>
/// A peer that makes the host write and then never reads: the connection is reset at the write
/// deadline with that reason, the host forgets it, and everyone else is still served.
/// </summary>
public class PeerThatNeverReadsHostTests
{
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Echoes_to_a_peer_that_never_reads_reset_the_connection_at_the_write_deadline()
    {
        var (host, observer) = await StartAsync();
        await using var _ = host;
        await using var raw = await RawPeer.ConnectWithSmallReceiveBufferAsync(host);
        await raw.UpToYamuxAsync();
        var connection = await OpenedAsync(host, observer, raw);
        // Thirty echo streams, each asking for most of a window back: far more than the socket buffers hold.
        var negotiation = MultistreamSelect.Frame(MultistreamSelect.ProtocolId, Hosts.EchoProtocol);
        var payload = new byte[200 * 1024];
        negotiation.CopyTo(payload, 0);
        for (uint id = 1; id < 60; id += 2)
            await raw.SendFrameAsync(0, YamuxFrameType.Data, YamuxFlags.Syn, id, (uint)payload.Length, payload);
        await AssertResetAtTheWriteDeadlineAsync(host, observer, raw, connection);
    }

    [Fact]
    public async Task Ping_answers_to_a_peer_that_never_reads_reset_the_connection_at_the_write_deadline()
    {
        // The ping flood guard is lifted: only the write deadline can end this connection.
        var (host, observer) = await StartAsync(int.MaxValue);
        await using var _ = host;
        await using var raw = await RawPeer.ConnectWithSmallReceiveBufferAsync(host);
        await raw.UpToYamuxAsync();
        var connection = await OpenedAsync(host, observer, raw);
        for (uint i = 0; !connection.IsClosed && i < 5_000_000; i++)
            await raw.SendFrameAsync(0, YamuxFrameType.Ping, YamuxFlags.Syn, 0, i);
        await AssertResetAtTheWriteDeadlineAsync(host, observer, raw, connection);
    }

    private static async Task<(Libp2pHost, RecordingObserver)> StartAsync(int maxUnsentPingAnswers = 64)
    {
        var observer = new RecordingObserver();
        var host = await Hosts.StartAsync(observer, o => o with
        {
            Yamux = o.Yamux with { WriteTimeout = WriteTimeout, MaxUnsentPingAnswers = maxUnsentPingAnswers },
        });
        return (host, observer);
    }

    private static async Task<Libp2pConnection> OpenedAsync(Libp2pHost host, RecordingObserver observer, RawPeer raw)
    {
        await observer.WaitForAsync($"opened Inbound {raw.Identity.PeerId}", Bounded.Limit);
        return host.ConnectionsTo(raw.Identity.PeerId).Single();
    }

    private static async Task AssertResetAtTheWriteDeadlineAsync(Libp2pHost host, RecordingObserver observer, RawPeer raw, Libp2pConnection connection)
    {
        var closed = await observer.WaitForAsync($"closed {raw.Identity.PeerId}", Bounded.Limit);
        StillServing.AssertReason($"write timed out: the peer took no data for {WriteTimeout.TotalSeconds} s", closed);
        await raw.WaitClosedByRemoteAsync(Bounded.Limit);
        Assert.True(connection.IsClosed);
        Assert.Equal(0, connection.StreamCount);
        Assert.Empty(host.ConnectionsTo(raw.Identity.PeerId));
        await StillServing.AssertAsync(host);
    }
}
