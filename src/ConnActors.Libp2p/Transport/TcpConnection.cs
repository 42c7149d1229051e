using System.Net;
using System.Net.Sockets;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Libp2p.Transport;

/// <summary>One TCP connection: a stream over a socket, with graceful and abortive close.</summary>
public sealed class TcpConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private int _closed;

    private const int IpProtoTcp = 6;
    private const int TcpUserTimeout = 18;

    /// <param name="socket">A connected socket; the connection owns it.</param>
    /// <param name="unacknowledgedDataTimeout">
    /// On Linux, the kernel aborts the connection when data it sent stays unacknowledged this long, zero-window
    /// probing included (TCP_USER_TIMEOUT). A write deadline only bounds what the application hands to the kernel:
    /// small answers to a peer that never reads fit in the socket buffer and would otherwise sit there forever.
    /// </param>
    public TcpConnection(Socket socket, TimeSpan? unacknowledgedDataTimeout = null)
    {
        _socket = socket;
        _socket.NoDelay = true;
        if (unacknowledgedDataTimeout is { } timeout && OperatingSystem.IsLinux())
            _socket.SetRawSocketOption(IpProtoTcp, TcpUserTimeout, BitConverter.GetBytes((int)timeout.TotalMilliseconds));
        Stream = new NetworkStream(socket, ownsSocket: false);
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        RemoteAddress = Multiaddr.FromEndPoint(RemoteEndPoint);
        LocalAddress = Multiaddr.FromEndPoint(LocalEndPoint);
    }

    public NetworkStream Stream { get; }

    public IPEndPoint RemoteEndPoint { get; }

    public IPEndPoint LocalEndPoint { get; }

    public Multiaddr RemoteAddress { get; }

    public Multiaddr LocalAddress { get; }

    /// <summary>
    /// True when the peer has acknowledged everything sent and nothing waits to be sent (Linux; elsewhere always false).
    /// </summary>
    public bool SentDataAcknowledged => TcpSendQueue.IsEmpty(_socket);

    /// <summary>Completes when the first byte is readable (or the peer closed), without consuming anything.</summary>
    public async Task WaitForDataAsync(CancellationToken ct) =>
        await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct).ConfigureAwait(false);

    /// <summary>Sends FIN after pending data, then releases the socket.</summary>
    public void CloseGracefully()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
    }

    /// <summary>
    /// Ends the connection with a reset once the peer has acknowledged everything sent, waiting at most
    /// <paramref name="maxWait"/> for that. A reset makes NAT routers drop the connection's entry after about 10 s
    /// (Linux conntrack's CLOSE state) where a FIN exchange leaves it for 120 s (TIME_WAIT): a node behind a home router
    /// gives its entries back twelve times sooner. Waiting for the acknowledgement first means the reset discards
    /// nothing the peer was sent (a bye, the muxer's go-away); go-libp2p resets every TCP connection without waiting
    /// (linger 0). Where the acknowledged state cannot be read (not Linux), it waits the whole bound. Returns true when
    /// everything sent was acknowledged before the reset.
    /// </summary>
    public async Task<bool> CloseAcknowledgedThenResetAsync(TimeSpan maxWait)
    {
        if (Volatile.Read(ref _closed) != 0) return false;
        long deadline = Environment.TickCount64 + (long)maxWait.TotalMilliseconds;
        bool acknowledged = false;
        int pauseMs = 1;
        while (Volatile.Read(ref _closed) == 0)
        {
            acknowledged = SentDataAcknowledged;
            long left = deadline - Environment.TickCount64;
            if (acknowledged || left <= 0) break;
            await Task.Delay((int)Math.Min(pauseMs, left)).ConfigureAwait(false);
            pauseMs = Math.Min(pauseMs * 2, 50);
        }
        Abort();
        return acknowledged;
    }

    /// <summary>Sends RST (linger 0) and releases the socket immediately.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        try { _socket.LingerState = new LingerOption(true, 0); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        CloseGracefully();
        return ValueTask.CompletedTask;
    }
}
