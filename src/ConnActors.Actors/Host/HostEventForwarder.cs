using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Libp2p.Protocols;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Actors.Host;

/// <summary>Forwards the host's events to the connection manager as messages.</summary>
internal sealed class HostEventForwarder : IHostObserver
{
    private readonly IActorRef _manager;

    public HostEventForwarder(IActorRef manager) => _manager = manager;

    public void ConnectionOpened(Libp2pConnection connection) => _manager.Tell(new HostConnectionOpened(connection));

    public void ConnectionClosed(Libp2pConnection connection, string reason) => _manager.Tell(new HostConnectionClosed(connection, reason));

    public void ConnectionFailed(ConnectionId id, Multiaddr remote, ConnectionDirection direction, string reason) => _manager.Tell(new HostConnectionFailed(id, reason));

    public void StreamOpened(Libp2pConnection connection, YamuxStream stream)
    {
        if (stream.Protocol is { } protocol) _manager.Tell(new HostStreamOpened(connection, protocol));
    }

    public void StreamClosed(Libp2pConnection connection, YamuxStream stream) =>
        _manager.Tell(new HostStreamClosed(connection, stream.Protocol, stream.BytesRead + stream.BytesWritten));

    public void Identified(Libp2pConnection connection, IdentifyInfo info) => _manager.Tell(new HostIdentified(connection, info));
}
