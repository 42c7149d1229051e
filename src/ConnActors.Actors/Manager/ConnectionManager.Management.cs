using Akka.Actor;
using Akka.Event;
using ConnActors.Actors.Ledger;
using ConnActors.Actors.Store;

namespace ConnActors.Actors.Manager;

// Operator commands. Those that must survive a restart are persisted first and applied once the store
// acknowledged them; the asker's acknowledgement means both.
public sealed partial class ConnectionManager
{
    private void ReceiveManagement()
    {
        Receive<AddFriend>(m =>
        {
            if (Host.PeerId.Equals(m.Address.PeerId)) Refuse($"'address' {m.Address} is this node's own peer id: a node is not its own friend");
            else if (_ledger.WhyNotFriend(m.Address) is { } why) Refuse(why);
            else PersistThen(new SaveFriend(m.Address.PeerId!.ToString(), _ledger.FriendAddressesWith(m.Address).Select(a => a.ToString()).ToList()),
                () => _ledger.AddFriend(m.Address, Now), $"friend {m.Address.PeerId} added");
        });
        Receive<RemoveFriend>(m => PersistThen(new DeleteFriend(m.Peer.ToString()), () => _ledger.RemoveFriend(m.Peer, Now), $"friend {m.Peer} removed"));
        Receive<ProtectPeer>(m =>
        {
            if (_ledger.WhyNotProtect(m.Peer) is { } why) Refuse(why);
            else PersistThen(new SaveProtection(m.Peer.ToString(), m.Tag), () => _ledger.Protect(m.Peer, m.Tag, Now), $"{m.Peer} protected ({m.Tag})");
        });
        Receive<UnprotectPeer>(m => PersistThen(new DeleteProtection(m.Peer.ToString(), m.Tag), () => _ledger.Unprotect(m.Peer, m.Tag, Now), $"{m.Peer} unprotected ({m.Tag})"));
        Receive<PenalizePeer>(m =>
        {
            if (!(m.Amount > 0) || !double.IsFinite(m.Amount))
            {
                Refuse($"a penalty is a positive number, not {m.Amount}");
                return;
            }
            // The policy decides the new value (decay, limit), so the penalty is applied first and acknowledged once stored.
            string what = $"{m.Peer} penalized by {m.Amount}";
            if (_ledger.Penalize(m.Peer, m.Amount, Now) is { } record) PersistThen(record, () => { }, what);
            else Sender.Tell(new CommandAck(what));
        });
        Receive<Persisted>(p =>
        {
            p.Apply();
            Perform();
            p.ReplyTo.Tell(new CommandAck(p.What));
        });
        Receive<PersistFailed>(p =>
        {
            _log.Error("could not persist '{0}': {1}", p.What, p.Reason);
            p.ReplyTo.Tell(new Status.Failure(new IOException($"not persisted: {p.What}: {p.Reason}")));
        });
        Receive<GetManagerStatus>(_ => Sender.Tell(LedgerStatus.Of(_ledger, Host.PeerId.ToString(), Host.ListenAddresses.Select(a => a.ToString()).ToList(), Now)));
        Receive<GetDialQueueStatus>(_ => Sender.Tell(new DialQueueStatus(_ledger.Dials.Queued, _ledger.Dials.Parked, _ledger.Dials.InFlight, _ledger.Dials.ByeObligations(Now))));
        Receive<TrimNow>(_ =>
        {
            Regulate(checkMemory: false);
            Sender.Tell(new CommandAck("regulation round run"));
        });
        Receive<MemoryPressure>(_ =>
        {
            _ledger.EmergencyTrim(Now);
            Perform();
            Sender.Tell(new CommandAck("emergency trim run"));
        });
        Receive<ShutdownPolitely>(_ =>
        {
            Timers.Cancel(RegulationTimer);
            var bye = new Bye.ByeMessage(Bye.ByeReason.ShuttingDown, _settings.Bye.Backoff, [], "node shutting down");
            foreach (var actor in _peerActors.Values) actor.Tell(new Peers.CloseWithBye(bye, "shutting down"));
            _log.Info("shutting down: saying bye to {0} peer(s) and closing {1} connection(s)", _peerActors.Count, _ledger.Policy.Connections);
            Sender.Tell(new CommandAck("closing all connections"));
        });
    }

    private void Refuse(string why) => Sender.Tell(new Status.Failure(new ArgumentException(why)));

    /// <summary>Persists a change, then runs <paramref name="apply"/> and acknowledges to the asker.</summary>
    private void PersistThen(IPeerStoreCommand command, Action apply, string what)
    {
        if (_peerStore is null)
        {
            apply();
            Perform();
            Sender.Tell(new CommandAck(what));
            return;
        }
        var replyTo = Sender;
        _peerStore.Ask<PeerStoreAck>(command, _settings.PersistTimeout)
            .PipeTo(Self, success: _ => new Persisted(apply, what, replyTo), failure: e => new PersistFailed(what, replyTo, e.Message));
    }

    private sealed record Persisted(Action Apply, string What, IActorRef ReplyTo);

    private sealed record PersistFailed(string What, IActorRef ReplyTo, string Reason);
}
