using Akka.Actor;
using ConnActors.Actors.Dialing;
using ConnActors.Actors.Host;
using ConnActors.Actors.Peers;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;

namespace ConnActors.Actors.Manager;

public sealed partial class ConnectionManager
{
    // Outbound connections that consumed a pending dial when they were registered; the dial's own result,
    // arriving later, must then not release that dial a second time.
    private readonly HashSet<Libp2p.Host.ConnectionId> _dialConsumers = new();
    // Dials made directly on the host (not through the queue) admitted at the outbound peer gate, by
    // transport address and peer: no DialFinished will come for them, so a failure the host reports
    // (for the address it dialed, with or without /p2p) releases their slot.
    private readonly Dictionary<(string Address, PeerKey Key), int> _directDials = new();

    private void ReceiveDialing()
    {
        Receive<DialPeer>(m =>
        {
            var key = _keys.KeyFor(m.Peer);
            _dialQueue.Tell(new QueueDial(key, m.Peer, m.Addresses, m.Priority));
        });
        Receive<DialForQuery>(m => _dialQueue.Tell(new QueueDial(_keys.KeyFor(m.Peer), m.Peer, m.Addresses, DialPriority.Normal, Sender, NowOrNever: true)));
        Receive<RequestDialAdmission>(OnDialAdmission);
        Receive<DialFinished>(OnDialFinished);
    }

    private static string TransportOf(Multiaddr address) => address.WithoutPeerId().ToString();

    private void CountDirectDial(Multiaddr remote, PeerKey key)
    {
        var dial = (TransportOf(remote), key);
        _directDials[dial] = _directDials.GetValueOrDefault(dial) + 1;
    }

    private bool TakeDirectDial(Multiaddr remote, PeerKey key)
    {
        var dial = (TransportOf(remote), key);
        if (!_directDials.TryGetValue(dial, out int dials)) return false;
        if (dials == 1) _directDials.Remove(dial); else _directDials[dial] = dials - 1;
        return true;
    }

    // The direct dial a failure reported for <paramref name="remote"/> belongs to: by address and peer
    // when the address names one (by peer alone if the host dialed a name the gate saw resolved),
    // otherwise whoever we admitted at that address.
    private PeerKey? TakeFailedDirectDial(Multiaddr remote, PeerKey? peer)
    {
        if (peer is { } key && TakeDirectDial(remote, key)) return key;
        string address = TransportOf(remote);
        foreach (var dial in _directDials.Keys)
        {
            if (peer is { } p ? dial.Key != p : dial.Address != address) continue;
            int dials = _directDials[dial];
            if (dials == 1) _directDials.Remove(dial); else _directDials[dial] = dials - 1;
            return dial.Key;
        }
        return null;
    }

    private void ReleasePendingDial(PeerKey key)
    {
        if (!_pendingDials.TryGetValue(key, out int dials)) return;
        if (dials == 1) _pendingDials.Remove(key); else _pendingDials[key] = dials - 1;
        _policy.CompleteOutbound(key, success: false, Now);
    }

    private void OnDialAdmission(RequestDialAdmission request)
    {
        var verdict = _policy.BeginOutbound(request.Key, Addresses.ToRemoteAddress(request.Address), Now);
        if (!verdict.Admitted)
        {
            CountRefusal($"Dial{verdict.Reason}");
            Sender.Tell(new DialAdmission(request.Key, false, verdict.Reason.ToString()));
            return;
        }
        _pendingDials[request.Key] = _pendingDials.GetValueOrDefault(request.Key) + 1;
        Sender.Tell(new DialAdmission(request.Key, true, null));
    }

    private void OnDialFinished(DialFinished finished)
    {
        if (finished.Connection is { } connection)
        {
            if (_dialConsumers.Remove(connection.Id)) return; // the host's event registered it first
            if (_connections.ContainsKey(connection.Id))
            {
                // The host handed back a connection it already had: the dial opened nothing, so its slot goes back.
                ReleasePendingDial(finished.Key);
                return;
            }
            Register(connection);
            _dialConsumers.Remove(connection.Id);
            return;
        }
        if (finished.Admitted) ReleasePendingDial(finished.Key);
        if (_peerActors.TryGetValue(finished.Key, out var actor)) actor.Tell(new PeerDialFailed(finished.Failure ?? "failed"));
    }
}
