using System.Net;
using ConnActors.Libp2p.Transport;

namespace ConnActors.Libp2p.Tests.Support;

/// <summary>Two ends of a real loopback TCP connection.</summary>
public sealed class TcpPair : IAsyncDisposable
{
    private TcpPair(TcpConnection dialer, TcpConnection listener, TcpListenerHandle handle)
    {
        Dialer = dialer;
        Listener = listener;
        _handle = handle;
    }

    private readonly TcpListenerHandle _handle;

    public TcpConnection Dialer { get; }

    public TcpConnection Listener { get; }

    public static async Task<TcpPair> ConnectAsync(IPAddress? loopback = null)
    {
        var accepted = new TaskCompletionSource<TcpConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = TcpTransport.Listen(new IPEndPoint(loopback ?? IPAddress.Loopback, 0), c => { accepted.TrySetResult(c); return Task.CompletedTask; });
        var dialer = await TcpTransport.DialAsync(handle.Address.ToTcpEndPoint()!, TimeSpan.FromSeconds(5), CancellationToken.None);
        var listener = await accepted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        return new TcpPair(dialer, listener, handle);
    }

    public async ValueTask DisposeAsync()
    {
        Dialer.Abort();
        Listener.Abort();
        await _handle.DisposeAsync();
    }
}
