using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Libp2p.Noise;
using ConnActors.Libp2p.Protocols;
using ConnActors.Libp2p.Transport;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Host;

/// <summary>An established connection: TCP, secured by Noise, multiplexed by yamux, to one authenticated peer.</summary>
public sealed class Libp2pConnection
{
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IdentifyInfo> _identified = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytesRead;
    private long _bytesWritten;
    private IdentifyInfo? _remoteIdentify;

    internal Libp2pConnection(ConnectionId id, TcpConnection tcp, NoiseSecureStream secure, ConnectionDirection direction,
        YamuxOptions yamux, Func<Libp2pConnection, YamuxStream, Task> onInbound, Action<Libp2pConnection, YamuxStream> onStreamClosed)
    {
        Id = id;
        Tcp = tcp;
        Secure = secure;
        Direction = direction;
        RemotePeer = secure.RemotePeer;
        OpenedAt = DateTimeOffset.UtcNow;
        Session = new YamuxSession(secure, direction == ConnectionDirection.Outbound, yamux,
            s => onInbound(this, s),
            s =>
            {
                Interlocked.Add(ref _bytesRead, s.BytesRead);
                Interlocked.Add(ref _bytesWritten, s.BytesWritten);
                onStreamClosed(this, s);
            });
    }

    /// <summary>The inbound streams each protocol's handler serves now, for the per-connection limits.</summary>
    internal InboundHandlerSlots InboundHandlers { get; } = new();

    /// <summary>The id of the attempt that established this connection (the one the gates and events named).</summary>
    public ConnectionId Id { get; }

    public PeerId RemotePeer { get; }

    public Multiaddr RemoteAddress => Tcp.RemoteAddress;

    public Multiaddr LocalAddress => Tcp.LocalAddress;

    public ConnectionDirection Direction { get; }

    public DateTimeOffset OpenedAt { get; }

    public int StreamCount => Session.StreamCount;

    /// <summary>A snapshot of the open streams (each knows its <see cref="YamuxStream.Protocol"/> once negotiated).</summary>
    public IReadOnlyList<YamuxStream> Streams => Session.Streams;

    /// <summary>Stream payload bytes received so far, over closed and open streams.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead) + Session.Streams.Sum(s => s.BytesRead);

    /// <summary>Stream payload bytes sent so far, over closed and open streams.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten) + Session.Streams.Sum(s => s.BytesWritten);

    /// <summary>What the remote told us through identify, once it has.</summary>
    public IdentifyInfo? RemoteIdentify => Volatile.Read(ref _remoteIdentify);

    /// <summary>Completes with the first identify result.</summary>
    public Task<IdentifyInfo> Identified => _identified.Task;

    /// <summary>Completes with the reason once the connection is closed and released.</summary>
    public Task<string> Closed => _closed.Task;

    public bool IsClosed => _closed.Task.IsCompleted;

    internal TcpConnection Tcp { get; }

    internal NoiseSecureStream Secure { get; }

    internal YamuxSession Session { get; }

    internal IdentifyInfo RecordIdentify(IdentifyInfo info)
    {
        var merged = RemoteIdentify is { } old ? old.Merge(info) : info;
        Volatile.Write(ref _remoteIdentify, merged);
        _identified.TrySetResult(merged);
        return merged;
    }

    internal void MarkClosed(string reason)
    {
        // Observed at once so a connection nobody asked about raises no UnobservedTaskException.
        if (_identified.TrySetException(new IOException("connection closed before identify: " + reason))) _ = _identified.Task.Exception;
        _closed.TrySetResult(reason);
    }

    public override string ToString() => $"{Id} {Direction} {RemotePeer} at {RemoteAddress}";
}
