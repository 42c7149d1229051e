using Akka.Actor;
using ConnActors.Actors.Dialing;
using ConnActors.Actors.Host;
using ConnActors.Actors.Peers;
using ConnActors.Policy;

namespace ConnActors.Actors.Manager;

public sealed partial class ConnectionManager
{
    // Outbound connections that consumed a pending dial when they were registered; the dial's own result,
    // arriving later, must then not release that dial a second time.
    private readonly HashSet<long> _dialConsumers = new();
    // Dials made directly on the host (not through the queue) admitted at the outbound peer gate: no
    // DialFinished will come for them, so a failure reported by the host releases their slot.
    private readonly Dictionary<PeerKey, int> _directDials = new();

    private void ReceiveDialing()
    {
        Receive<DialPeer>(m =>
        {
            var key = _keys.KeyFor(m.Peer);
            _dialQueue.Tell(new QueueDial(key, m.Peer, m.Addresses, m.Priority));
        });
        Receive<RequestDialAdmission>(OnDialAdmission);
        Receive<DialFinished>(OnDialFinished);
    }

    private void CountDirectDial(PeerKey key) => _directDials[key] = _directDials.GetValueOrDefault(key) + 1;

    private bool TakeDirectDial(PeerKey key)
    {
        if (!_directDials.TryGetValue(key, out int dials)) return false;
        if (dials == 1) _directDials.Remove(key); else _directDials[key] = dials - 1;
        return true;
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
        bool admitted = !(finished.Failure?.StartsWith("refused:", StringComparison.Ordinal) ?? false)
            && finished.Failure is not ("no address to dial" or "dial queue full");
        if (admitted) ReleasePendingDial(finished.Key);
        if (_peerActors.TryGetValue(finished.Key, out var actor)) actor.Tell(new PeerDialFailed(finished.Failure ?? "failed"));
    }
}
