using System.Net;
using System.Net.Sockets;
using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Libp2p.Transport;

/// <summary>Dials and listens on TCP over IPv4 and IPv6.</summary>
public static class TcpTransport
{
    /// <exception cref="TimeoutException">Not connected within <paramref name="timeout"/>.</exception>
    /// <exception cref="SocketException">Refused or unreachable.</exception>
    public static async Task<TcpConnection> DialAsync(IPEndPoint endPoint, TimeSpan timeout, CancellationToken ct, TimeSpan? unacknowledgedDataTimeout = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endPoint, cts.Token).ConfigureAwait(false);
            return new TcpConnection(socket, unacknowledgedDataTimeout);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"TCP dial to {endPoint} timed out after {timeout.TotalMilliseconds:0} ms");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Binds a listener; port 0 picks a free port (see <see cref="TcpListenerHandle.Address"/>).</summary>
    public static TcpListenerHandle Listen(IPEndPoint endPoint, Func<TcpConnection, Task> onAccepted, int backlog = 4096, TimeSpan? unacknowledgedDataTimeout = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            socket.Bind(endPoint);
            socket.Listen(backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new TcpListenerHandle(socket, onAccepted, unacknowledgedDataTimeout);
    }
}

/// <summary>A bound TCP listener running its accept loop until disposed.</summary>
public sealed class TcpListenerHandle : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Func<TcpConnection, Task> _onAccepted;
    private readonly TimeSpan? _unacknowledgedDataTimeout;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    internal TcpListenerHandle(Socket socket, Func<TcpConnection, Task> onAccepted, TimeSpan? unacknowledgedDataTimeout)
    {
        _socket = socket;
        _onAccepted = onAccepted;
        _unacknowledgedDataTimeout = unacknowledgedDataTimeout;
        Address = Multiaddr.FromEndPoint((IPEndPoint)socket.LocalEndPoint!);
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Multiaddr Address { get; }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException)
            {
                // E.g. out of file descriptors: back off instead of spinning on a failing accept.
                try { await Task.Delay(50, _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            TcpConnection connection;
            try { connection = new TcpConnection(accepted, _unacknowledgedDataTimeout); }
            catch (SocketException) { accepted.Dispose(); continue; }
            catch (ObjectDisposedException) { continue; }
            _ = _onAccepted(connection);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
