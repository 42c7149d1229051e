using Akka.Actor;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Actors.Manager;

// Dials for short queries (the DHT's): queued like any dial, answered when the peer connects or the dial
// fails, and refused at once for a peer inside a backoff or bye window instead of waiting for it to end.
public sealed partial class ConnectionManager
{
    private readonly Dictionary<PeerId, List<IActorRef>> _queryDials = new();

    private void ReceiveQueryDials() => Receive<DialForQuery>(m =>
    {
        if (Host.ConnectionsTo(m.Peer).FirstOrDefault(c => !c.IsClosed) is { } open)
        {
            Sender.Tell(new DialOutcome(m.Peer, open, null));
            return;
        }
        if (m.Addresses.Count > 0 && _ledger.DialBackoffUntil(m.Peer, m.Addresses[0], Now) is var until && until > Now)
        {
            Sender.Tell(new DialOutcome(m.Peer, null, $"in backoff for {until - Now} ms"));
            return;
        }
        if (!_queryDials.TryGetValue(m.Peer, out var waiting)) _queryDials[m.Peer] = waiting = new List<IActorRef>(1);
        waiting.Add(Sender);
        _ledger.RequestDial(m.Peer, m.Addresses, (byte)DialPriority.Normal, Now);
        PumpDials();
    });

    private void QueryDialEnded(PeerId peer, Libp2pConnection? connection, string? failure)
    {
        if (_queryDials.Count == 0 || !_queryDials.Remove(peer, out var waiting)) return;
        foreach (var replyTo in waiting) replyTo.Tell(new DialOutcome(peer, connection, failure));
    }
}
