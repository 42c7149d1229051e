using System.Net;
using System.Net.Sockets;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Libp2p.Transport;

/// <summary>One TCP connection: a stream over a socket, with graceful and abortive close.</summary>
public sealed class TcpConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private int _closed;

    public TcpConnection(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
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
