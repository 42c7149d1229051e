using Akka.Actor;
using ConnActors.Actors.Dialing;
using ConnActors.Actors.Host;
using ConnActors.Actors.Peers;

namespace ConnActors.Actors.Manager;

public sealed partial class ConnectionManager
{
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
            Register(connection);
            return;
        }
        bool admitted = !(finished.Failure?.StartsWith("refused:", StringComparison.Ordinal) ?? false)
            && finished.Failure is not ("no address to dial" or "dial queue full");
        if (admitted && _pendingDials.TryGetValue(finished.Key, out int dials))
        {
            if (dials == 1) _pendingDials.Remove(finished.Key); else _pendingDials[finished.Key] = dials - 1;
            _policy.CompleteOutbound(finished.Key, success: false, Now);
        }
        if (_peerActors.TryGetValue(finished.Key, out var actor)) actor.Tell(new PeerDialFailed(finished.Failure ?? "failed"));
    }
}
