using ConnActors.Libp2p.Multiaddress;
using ConnActors.Libp2p.Protocols;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Host;

/// <summary>
/// Events of the host, each with its reason where there is one. Called on I/O threads: return quickly
/// (an actor layer forwards them as messages). Every method defaults to doing nothing.
/// </summary>
public interface IHostObserver
{
    /// <summary>A connection finished its handshakes and was admitted.</summary>
    void ConnectionOpened(Libp2pConnection connection) { }

    /// <summary>An established connection ended; totals of bytes are on the connection.</summary>
    void ConnectionClosed(Libp2pConnection connection, string reason) { }

    /// <summary>
    /// A connection attempt ended before it was established: refused by a hook, timed out, aborted, or bad
    /// input. Reported once per attempt (an outbound attempt over several addresses: once, when the last failed).
    /// </summary>
    void ConnectionFailed(ConnectionId id, Multiaddr remote, ConnectionDirection direction, string reason) { }

    void StreamOpened(Libp2pConnection connection, YamuxStream stream) { }

    /// <summary>A stream ended; its byte counts are final.</summary>
    void StreamClosed(Libp2pConnection connection, YamuxStream stream) { }

    /// <summary>An inbound stream was refused: unsupported protocol, negotiation failure, or the gate.</summary>
    void StreamRefused(Libp2pConnection connection, string? protocol, string reason) { }

    /// <summary>Identify (or a push) told us about the remote.</summary>
    void Identified(Libp2pConnection connection, IdentifyInfo info) { }
}

/// <summary>Ignores every event.</summary>
public sealed class NullHostObserver : IHostObserver
{
    public static readonly NullHostObserver Instance = new();
}
