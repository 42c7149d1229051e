using System.Net;
using System.Net.Sockets;
using ConnActors.Libp2p.Tests.Support;
using ConnActors.Libp2p.Transport;

namespace ConnActors.Libp2p.Tests.Host;

public class TcpTransportTests
{
    private static readonly TimeSpan Timeout = Hosts.Timeout;

    [Fact]
    public async Task Graceful_close_is_an_end_of_stream_for_the_peer()
    {
        await using var pair = await TcpPair.ConnectAsync(IPAddress.IPv6Loopback);
        await pair.Dialer.Stream.WriteAsync("last words"u8.ToArray());
        pair.Dialer.CloseGracefully();
        Assert.Equal("last words"u8.ToArray(), await Hosts.ReadAllAsync(pair.Listener.Stream).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Abortive_close_is_a_reset_for_the_peer()
    {
        await using var pair = await TcpPair.ConnectAsync();
        pair.Dialer.Abort();
        await Hosts.ReadUntilResetAsync(pair.Listener.Stream);
    }

    [Fact]
    public async Task Refused_dial_fails_fast_and_a_dial_to_a_full_backlog_times_out()
    {
        using var bound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        bound.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = (IPEndPoint)bound.LocalEndPoint!;
        await Assert.ThrowsAsync<SocketException>(() => TcpTransport.DialAsync(endPoint, Timeout, CancellationToken.None));

        // A listener that never accepts: once its backlog is full, Linux drops further SYNs.
        bound.Listen(0);
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(s);
                _ = s.ConnectAsync(endPoint);
            }
            await Assert.ThrowsAsync<TimeoutException>(() => TcpTransport.DialAsync(endPoint, TimeSpan.FromMilliseconds(500), CancellationToken.None).WaitAsync(Timeout));
        }
        finally
        {
            fillers.ForEach(s => s.Dispose());
        }
    }
}
