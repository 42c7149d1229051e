using Akka.Actor;
using ConnActors.Actors.Host;
using ConnActors.Actors.Peers;
using ConnActors.Libp2p.Host;
using ConnActors.Policy.Scoring;

namespace ConnActors.Actors.Manager;

public sealed partial class ConnectionManager
{
    private void ReceiveHostEvents()
    {
        Receive<HostConnectionOpened>(m => Register(m.Connection));
        Receive<HostConnectionClosed>(m => OnClosed(m.Connection, m.Reason));
        Receive<HostConnectionFailed>(OnFailed);
        Receive<HostStreamOpened>(m =>
        {
            if (!_connections.TryGetValue(m.Connection.Id, out var c)) return;
            _policy.RecordSignal(c.Key, UsefulnessSignal.StreamOpened, 1, Now);
            _peerActors.GetValueOrDefault(c.Key)?.Tell(new PeerStreamOpened(m.Protocol));
        });
        Receive<HostStreamClosed>(m =>
        {
            if (!_connections.TryGetValue(m.Connection.Id, out var c)) return;
            if (m.Bytes > 0) _policy.RecordSignal(c.Key, UsefulnessSignal.BytesTransferred, m.Bytes, Now);
            _peerActors.GetValueOrDefault(c.Key)?.Tell(new PeerStreamClosed(m.Protocol));
        });
        Receive<HostIdentified>(m =>
        {
            if (!_connections.TryGetValue(m.Connection.Id, out var c)) return;
            _listenAddresses[c.Key] = m.Info.ListenAddresses;
            _policy.SetOverlap(c.Key, ProtocolOverlap.Of(_ourProtocols, m.Info.Protocols));
            _peerActors.GetValueOrDefault(c.Key)?.Tell(new PeerIdentified(m.Info));
        });
        Receive<RemoteByeReceived>(OnRemoteBye);
    }

    // Idempotent: an outbound connection may be reported both by the host's event and by the dial result.
    private void Register(Libp2pConnection connection)
    {
        if (_connections.ContainsKey(connection.Id) || connection.IsClosed) return;
        var key = _keys.KeyFor(connection.RemotePeer);
        var direction = connection.Direction.ToPolicy();
        var address = Addresses.ToRemoteAddress(connection.RemoteAddress);
        if (connection.Direction == ConnectionDirection.Inbound)
        {
            string remote = connection.RemoteAddress.ToString();
            _pendingInbound.Remove(remote, out var pending);
            if (pending is { Key: null }) _policy.AbortInboundHandshake(pending.Address);
            if (pending?.Key != key)
            {
                // Not seen by the gates (a host without them): admit now or close.
                var verdict = _policy.AdmitInbound(key, address, Now);
                if (!verdict.Admitted)
                {
                    CountRefusal(verdict.Reason, connection.RemoteAddress, connection.RemotePeer);
                    _ = Host.CloseConnectionAsync(connection, $"refused: {verdict.Reason}");
                    return;
                }
            }
        }
        else if (_pendingDials.TryGetValue(key, out int dials) && dials > 0)
        {
            if (dials == 1) _pendingDials.Remove(key); else _pendingDials[key] = dials - 1;
            _policy.CompleteOutbound(key, success: true, Now);
            _dialConsumers.Add(connection.Id);
            TakeDirectDial(connection.RemoteAddress, key);
        }
        else
        {
            var verdict = _policy.AdmitOutbound(key, address, Now);
            if (!verdict.Admitted)
            {
                CountRefusal(verdict.Reason, connection.RemoteAddress, connection.RemotePeer);
                _ = Host.CloseConnectionAsync(connection, $"refused: {verdict.Reason}");
                return;
            }
        }
        _connections[connection.Id] = new RegisteredConnection(key, connection.RemotePeer, direction, address);
        Context.System.EventStream.Publish(new ConnectionAdmitted(connection.RemotePeer.ToString(), DirectionName(direction), connection.RemoteAddress.ToString()));
        var actor = PeerActorFor(key, connection.RemotePeer);
        actor.Tell(new PeerConnectionAdded(connection));
        if (_pendingTrims.TryGetValue(key, out var trim)) actor.Tell(trim);
        if (connection.RemoteIdentify is { } info) Self.Tell(new HostIdentified(connection, info));
        Regulate(checkMemory: false);
    }

    private void OnClosed(Libp2pConnection connection, string reason)
    {
        _dialConsumers.Remove(connection.Id);
        if (!_connections.Remove(connection.Id, out var c)) return;
        _policy.ConnectionClosed(c.Key, c.Direction, c.Address, Now);
        Context.System.EventStream.Publish(new ConnectionClosed(c.Peer.ToString(), DirectionName(c.Direction), reason));
        ForgetTrimIfGone(c.Key);
        _peerActors.GetValueOrDefault(c.Key)?.Tell(new PeerConnectionRemoved(connection.Id, reason));
    }

    private static string DirectionName(Policy.Admission.ConnectionDirection direction) =>
        direction == Policy.Admission.ConnectionDirection.Inbound ? "inbound" : "outbound";

    private void OnFailed(HostConnectionFailed failed)
    {
        if (failed.Direction == ConnectionDirection.Outbound)
        {
            // Only a direct dial that passed the outbound peer gate holds a slot; queue dials end with DialFinished.
            Policy.PeerKey? named = null;
            if (failed.Remote.PeerId is { } peer)
            {
                if (!_keys.TryGetKey(peer, out var dialedKey)) return; // never admitted: it holds no slot
                named = dialedKey;
            }
            if (TakeFailedDirectDial(failed.Remote, named) is { } released) ReleasePendingDial(released);
            return;
        }
        if (!_pendingInbound.Remove(failed.Remote.ToString(), out var pending)) return;
        if (pending.Key is { } key)
        {
            _policy.ConnectionClosed(key, Policy.Admission.ConnectionDirection.Inbound, pending.Address, Now);
            ForgetTrimIfGone(key);
        }
        else _policy.AbortInboundHandshake(pending.Address);
    }
}
