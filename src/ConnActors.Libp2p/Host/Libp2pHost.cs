using System.Collections.Concurrent;
using System.Net;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Libp2p.Transport;

namespace ConnActors.Libp2p.Host;

/// <summary>
/// A libp2p host over TCP + Noise + yamux with identify and ping. It decides nothing: admission is
/// asked of <see cref="HostOptions.Gate"/>, and everything that happens is told to <see cref="HostOptions.Observer"/>.
/// </summary>
public sealed partial class Libp2pHost : IAsyncDisposable
{
    private readonly HostOptions _options;
    private readonly ConnectionUpgrader _upgrader;
    private readonly List<TcpListenerHandle> _listeners = [];
    private readonly ConcurrentDictionary<ConnectionId, Libp2pConnection> _connections = new();
    private readonly ConcurrentDictionary<ConnectionId, PendingAttempt> _attempts = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _nextConnectionId;
    private int _pendingInbound;

    private Libp2pHost(HostOptions options)
    {
        _options = options;
        _upgrader = new ConnectionUpgrader(options);
        RegisterBuiltInProtocols();
    }

    public PeerId PeerId => _options.Identity.PeerId;

    /// <summary>The bound listen addresses (ports resolved).</summary>
    public IReadOnlyList<Multiaddr> ListenAddresses => _listeners.Select(l => l.Address).ToList();

    public IReadOnlyCollection<Libp2pConnection> Connections => _connections.Values.ToList();

    /// <summary>Inbound connections accepted but not yet established.</summary>
    public int PendingInboundHandshakes => Volatile.Read(ref _pendingInbound);

    /// <exception cref="ArgumentException">An option out of range, or a listen address that is not /ip4|ip6/.../tcp/port.</exception>
    public static Task<Libp2pHost> StartAsync(HostOptions options)
    {
        options.Validate();
        var host = new Libp2pHost(options);
        try
        {
            foreach (var address in options.ListenAddresses)
            {
                var endPoint = address.ToTcpEndPoint() ?? throw new ArgumentException($"cannot listen on {address}: only /ip4|ip6/.../tcp/port");
                host._listeners.Add(TcpTransport.Listen(endPoint, host.AcceptAsync, unacknowledgedDataTimeout: options.UnacknowledgedDataTimeout));
            }
        }
        catch
        {
            _ = host.DisposeAsync();
            throw;
        }
        return Task.FromResult(host);
    }

    /// <summary>A fresh id for an outbound attempt, so that its admission can be recorded before the dial starts.</summary>
    public ConnectionId NewConnectionId() => new(Interlocked.Increment(ref _nextConnectionId));

    /// <summary>Dials an address; a trailing /p2p/id must be proven by the remote's Noise handshake.</summary>
    /// <exception cref="HandshakeFailedException">Refused by the gate, unreachable, timed out, aborted or failed.</exception>
    public Task<Libp2pConnection> DialAsync(Multiaddr address, CancellationToken ct = default) => DialAsync(address, NewConnectionId(), ct);

    /// <summary>Dials an address as the attempt <paramref name="id"/> (from <see cref="NewConnectionId"/>).</summary>
    /// <exception cref="HandshakeFailedException">Refused by the gate, unreachable, timed out, aborted or failed.</exception>
    public async Task<Libp2pConnection> DialAsync(Multiaddr address, ConnectionId id, CancellationToken ct = default)
    {
        try
        {
            return await DialAttemptAsync(address, id, ct).ConfigureAwait(false);
        }
        catch (HandshakeFailedException e)
        {
            _options.Observer.ConnectionFailed(id, address, ConnectionDirection.Outbound, e.Reason);
            throw;
        }
    }

    /// <summary>
    /// Returns an open connection to <paramref name="peer"/>, or dials its addresses in order as one attempt
    /// (<paramref name="id"/>, or a fresh one): the gates see that id for every address tried, and a failure is
    /// reported once, when every address failed. A connection already open is returned as it is (its own id).
    /// </summary>
    /// <exception cref="HandshakeFailedException">Every address failed; the reasons are joined.</exception>
    public async Task<Libp2pConnection> DialPeerAsync(PeerId peer, IEnumerable<Multiaddr> addresses, ConnectionId? id = null, CancellationToken ct = default)
    {
        var existing = ConnectionsTo(peer).FirstOrDefault();
        if (existing is not null) return existing;
        var attempt = id ?? NewConnectionId();
        var reasons = new List<string>();
        Multiaddr? last = null;
        foreach (var address in addresses)
        {
            last = address.WithPeerId(peer);
            try { return await DialAttemptAsync(last, attempt, ct).ConfigureAwait(false); }
            catch (HandshakeFailedException e) { reasons.Add($"{address}: {e.Reason}"); }
        }
        var reason = reasons.Count == 0 ? $"no address to dial {peer}" : string.Join("; ", reasons);
        _options.Observer.ConnectionFailed(attempt, last ?? Multiaddr.Parse($"/p2p/{peer}"), ConnectionDirection.Outbound, reason);
        throw new HandshakeFailedException(reason);
    }

    public IEnumerable<Libp2pConnection> ConnectionsTo(PeerId peer) => _connections.Values.Where(c => c.RemotePeer.Equals(peer));

    /// <summary>The open connection <paramref name="id"/>, or null.</summary>
    public Libp2pConnection? Connection(ConnectionId id) => _connections.GetValueOrDefault(id);

    /// <summary>Closes a connection (GoAway, then TCP close); completes when it is released.</summary>
    public async Task CloseConnectionAsync(Libp2pConnection connection, string reason)
    {
        await connection.Session.CloseAsync(reason).ConfigureAwait(false);
        await connection.Closed.ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the attempt or connection <paramref name="id"/>: an attempt still in its handshake is aborted (its
    /// socket closed, <see cref="IHostObserver.ConnectionFailed"/> reported with <paramref name="reason"/>), an
    /// established connection is closed. False when the host holds nothing under that id.
    /// </summary>
    public bool Abort(ConnectionId id, string reason)
    {
        if (_attempts.TryGetValue(id, out var attempt))
        {
            attempt.Abort(reason);
            return true;
        }
        if (_connections.TryGetValue(id, out var connection))
        {
            _ = CloseConnectionAsync(connection, reason);
            return true;
        }
        return false;
    }

    private async Task<Libp2pConnection> DialAttemptAsync(Multiaddr address, ConnectionId id, CancellationToken ct)
    {
        if (PeerId.Equals(address.PeerId)) throw new HandshakeFailedException($"dial to self: {address} names this host's own peer id");
        using var attempt = new PendingAttempt(_stopping.Token);
        if (!_attempts.TryAdd(id, attempt)) throw new InvalidOperationException($"attempt {id} is already dialing");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, attempt.Token);
        TcpConnection? tcp = null;
        try
        {
            var decision = await _options.Gate.BeforeHandshakeAsync(id, address, ConnectionDirection.Outbound).ConfigureAwait(false);
            if (!decision.Allowed) throw new HandshakeFailedException($"refused before dial: {decision.Reason}");
            var endPoint = await ResolveAsync(address, linked.Token).ConfigureAwait(false);
            try
            {
                tcp = await TcpTransport.DialAsync(endPoint, _options.DialTimeout, linked.Token, _options.UnacknowledgedDataTimeout).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or System.Net.Sockets.SocketException)
            {
                throw new HandshakeFailedException($"dial {address} failed: {e.Message}", e);
            }
            var secure = await _upgrader.UpgradeAsync(tcp, id, ConnectionDirection.Outbound, address.PeerId, linked.Token).ConfigureAwait(false);
            return Establish(id, tcp, secure, ConnectionDirection.Outbound);
        }
        catch (Exception e) when (attempt.AbortReason is { } reason && e is HandshakeFailedException or OperationCanceledException)
        {
            tcp?.Abort();
            throw new HandshakeFailedException($"aborted: {reason}", e);
        }
        catch
        {
            tcp?.Abort();
            throw;
        }
        finally
        {
            _attempts.TryRemove(id, out _);
        }
    }

    private async Task AcceptAsync(TcpConnection tcp)
    {
        var remote = tcp.RemoteAddress;
        var id = NewConnectionId();
        if (Interlocked.Increment(ref _pendingInbound) > _options.MaxPendingInboundHandshakes)
        {
            Interlocked.Decrement(ref _pendingInbound);
            tcp.Abort();
            _options.Observer.ConnectionFailed(id, remote, ConnectionDirection.Inbound, $"more than {_options.MaxPendingInboundHandshakes} pending inbound handshakes");
            return;
        }
        var attempt = new PendingAttempt(_stopping.Token);
        _attempts[id] = attempt;
        Noise.NoiseSecureStream secure;
        try
        {
            var decision = await _options.Gate.BeforeHandshakeAsync(id, remote, ConnectionDirection.Inbound).ConfigureAwait(false);
            if (!decision.Allowed) throw new HandshakeFailedException($"refused before handshake: {decision.Reason}");
            secure = await _upgrader.UpgradeAsync(tcp, id, ConnectionDirection.Inbound, null, attempt.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            tcp.Abort();
            var reason = attempt.AbortReason is { } aborted ? $"aborted: {aborted}"
                : e is HandshakeFailedException failed ? failed.Reason
                : $"internal error during the handshake: {e.GetType().Name}: {e.Message}";
            _options.Observer.ConnectionFailed(id, remote, ConnectionDirection.Inbound, reason);
            return;
        }
        finally
        {
            _attempts.TryRemove(id, out _);
            attempt.Dispose();
            Interlocked.Decrement(ref _pendingInbound);
        }
        Establish(id, tcp, secure, ConnectionDirection.Inbound);
    }

    private Libp2pConnection Establish(ConnectionId id, TcpConnection tcp, Noise.NoiseSecureStream secure, ConnectionDirection direction)
    {
        var connection = new Libp2pConnection(id, tcp, secure, direction,
            _options.Yamux, OnInboundStreamAsync, (c, s) => _options.Observer.StreamClosed(c, s));
        _connections[connection.Id] = connection;
        connection.Session.Start();
        _ = RunConnectionAsync(connection);
        _options.Observer.ConnectionOpened(connection);
        if (_options.IdentifyOnConnect) _ = IdentifyQuietlyAsync(connection);
        return connection;
    }

    /// <summary>Whenever and however a session ends, its socket is closed and everything it held is released.</summary>
    private async Task RunConnectionAsync(Libp2pConnection connection)
    {
        var reason = await connection.Session.Completion.ConfigureAwait(false);
        _connections.TryRemove(connection.Id, out _);
        if (connection.Session.EndedByFault) connection.Tcp.Abort();
        else if (_options.ResetOnClose) await connection.Tcp.CloseAcknowledgedThenResetAsync(_options.ResetAcknowledgementWait).ConfigureAwait(false);
        else connection.Tcp.CloseGracefully();
        // With the socket closed the read loop and any write end at once; only then are the ciphers released.
        await connection.Session.StoppedAsync().ConfigureAwait(false);
        await connection.Secure.DisposeAsync().ConfigureAwait(false);
        _options.Observer.ConnectionClosed(connection, reason);
        connection.MarkClosed(reason);
    }

    private static async Task<IPEndPoint> ResolveAsync(Multiaddr address, CancellationToken ct)
    {
        if (address.ToTcpEndPoint() is { } direct) return direct;
        var c = address.Components;
        if (c.Count < 2 || c[1].Protocol != MultiaddrProtocol.Tcp || c[0].Protocol.Kind != ValueKind.Text || c[0].Protocol == MultiaddrProtocol.DnsAddr)
            throw new HandshakeFailedException($"cannot dial {address}: only /ip4, /ip6, /dns, /dns4, /dns6 with /tcp");
        var family = c[0].Protocol == MultiaddrProtocol.Dns4 ? System.Net.Sockets.AddressFamily.InterNetwork
            : c[0].Protocol == MultiaddrProtocol.Dns6 ? System.Net.Sockets.AddressFamily.InterNetworkV6
            : System.Net.Sockets.AddressFamily.Unspecified;
        IPAddress[] ips;
        try { ips = await Dns.GetHostAddressesAsync(c[0].ValueText, family, ct).ConfigureAwait(false); }
        catch (System.Net.Sockets.SocketException e) { throw new HandshakeFailedException($"cannot resolve {c[0].ValueText}: {e.Message}", e); }
        if (ips.Length == 0) throw new HandshakeFailedException($"{c[0].ValueText} resolves to no address");
        return new IPEndPoint(ips[0], System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(c[1].Value));
    }

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var listener in _listeners) await listener.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_connections.Values.Select(c => CloseConnectionAsync(c, "host stopping"))).ConfigureAwait(false);
    }
}
