using Akka.Actor;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;

namespace ConnActors.Actors.Manager;

// Dials for short queries (the DHT's): queued like any dial, answered when the peer connects or the dial
// fails, and refused at once for a peer inside a backoff or bye window instead of waiting for it to end.
public sealed partial class ConnectionManager
{
    private readonly Dictionary<PeerId, QueryDialWaiters> _queryDials = new();

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
        if (_queryDials.TryGetValue(m.Peer, out var waiting))
        {
            // A dial to the peer is under way: it answers this query too (asking again could refuse it for the own-trim
            // hold that the dial under way passed, and end both).
            waiting.ReplyTo.Add(Sender);
            return;
        }
        _queryDials[m.Peer] = waiting = new QueryDialWaiters(Now);
        waiting.ReplyTo.Add(Sender);
        _ledger.RequestDial(m.Peer, m.Addresses, (byte)DialPriority.Normal, Now, forQuery: true, passOwnTrimHold: m.PassOwnTrimHold);
        PumpDials();
    });

    private void QueryDialEnded(PeerId peer, Libp2pConnection? connection, string? failure, bool heldAfterOwnTrim = false, bool refusedForRoom = false)
    {
        if (_queryDials.Count == 0 || !_queryDials.Remove(peer, out var waiting)) return;
        long queued = (waiting.StartedAtMs ?? Now) - waiting.QueuedAtMs;
        foreach (var replyTo in waiting.ReplyTo) replyTo.Tell(new DialOutcome(peer, connection, failure, queued, heldAfterOwnTrim, refusedForRoom));
    }

    // The dial queue handed out a query's dial: its wait in the queue ends here.
    private void QueryDialStarted(PeerId peer)
    {
        if (_queryDials.TryGetValue(peer, out var waiting)) waiting.StartedAtMs ??= Now;
    }

    private sealed class QueryDialWaiters(long queuedAtMs)
    {
        public long QueuedAtMs { get; } = queuedAtMs;

        public long? StartedAtMs { get; set; }

        public List<IActorRef> ReplyTo { get; } = new(1);
    }
}
