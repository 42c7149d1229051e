using Akka.Actor;
using Akka.Event;
using ConnActors.Actors.Dialing;
using ConnActors.Actors.Store;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Scoring;

namespace ConnActors.Actors.Manager;

public sealed partial class ConnectionManager
{
    private readonly Dictionary<PeerKey, HashSet<string>> _protections = new();

    private void LoadingPeerStore(IActorRef attachedBy)
    {
        Receive<PeerStoreState>(state =>
        {
            Restore(state);
            StartServing(attachedBy);
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Restore(PeerStoreState state)
    {
        long now = Now;
        foreach (var friend in state.Friends.Values)
        {
            foreach (var text in friend.Multiaddrs)
            {
                if (Multiaddr.TryParse(text, out var address) && address!.PeerId is not null) AddFriendLocally(address);
            }
        }
        foreach (var protection in state.Protections)
        {
            if (PeerId.TryParse(protection.PeerId, out var peer)) SetProtection(_keys.KeyFor(peer!), protection.Tag, true);
        }
        foreach (var obligation in state.ByeObligations.Values)
        {
            if (!PeerId.TryParse(obligation.PeerId, out var peer)) continue;
            var key = _keys.KeyFor(peer!);
            _byeObligations[key] = obligation.NotBeforeMs;
            _dialQueue.Tell(new RestoreByeObligation(key, obligation.NotBeforeMs));
        }
        foreach (var penalty in state.Penalties.Values)
        {
            if (PeerId.TryParse(penalty.PeerId, out var peer))
                _policy.RestorePenalty(new RetainedPenalty(_keys.KeyFor(peer!), penalty.Value, penalty.LastUpdateMs, penalty.RetainUntilMs), now);
        }
        _log.Info("peer store restored: {0} friend(s), {1} protection(s), {2} bye obligation(s), {3} penalty(ies)",
            state.Friends.Count, state.Protections.Count, state.ByeObligations.Count, state.Penalties.Count);
    }

    // Any number of named protections per peer; the policy only needs to know whether any holds.
    private void SetProtection(PeerKey key, string tag, bool on)
    {
        if (!_protections.TryGetValue(key, out var tags)) _protections[key] = tags = new HashSet<string>(StringComparer.Ordinal);
        if (on) tags.Add(tag); else tags.Remove(tag);
        if (tags.Count == 0) _protections.Remove(key);
        _policy.SetProtected(key, tags.Count > 0, Now);
    }

    /// <summary>Persists a change, then runs <paramref name="apply"/> and acknowledges to the asker.</summary>
    private void PersistThen(IPeerStoreCommand command, Action apply, string what)
    {
        if (_peerStore is null)
        {
            apply();
            Sender.Tell(new CommandAck(what));
            return;
        }
        var replyTo = Sender;
        _peerStore.Ask<PeerStoreAck>(command, TimeSpan.FromSeconds(10))
            .PipeTo(Self, success: _ => new Persisted(apply, what, replyTo), failure: e => new PersistFailed(what, replyTo, e.Message));
    }

    private void ReceivePersistenceResults()
    {
        Receive<Persisted>(p =>
        {
            p.Apply();
            p.ReplyTo.Tell(new CommandAck(p.What));
        });
        Receive<PersistFailed>(p =>
        {
            _log.Error("could not persist '{0}': {1}", p.What, p.Reason);
            p.ReplyTo.Tell(new Status.Failure(new IOException($"not persisted: {p.What}: {p.Reason}")));
        });
    }

    private void PersistByeObligation(PeerId peer, long notBeforeMs) => _peerStore?.Tell(new RecordByeObligation(peer.ToString(), notBeforeMs));

    private void PersistPenalty(PeerKey key, PeerId peer)
    {
        if (_peerStore is not null && PenaltyRecordOf(key, peer) is { } record) _peerStore.Tell(record);
    }

    /// <summary>The peer's retained penalty as a store command, or null when none is retained.</summary>
    private RecordPenalty? PenaltyRecordOf(PeerKey key, PeerId peer)
    {
        foreach (var penalty in _policy.Penalties.Snapshot(Now))
        {
            if (penalty.Peer == key) return new RecordPenalty(peer.ToString(), penalty.Value, penalty.LastUpdateMs, penalty.RetainUntilMs);
        }
        return null;
    }

    private sealed record Persisted(Action Apply, string What, IActorRef ReplyTo);

    private sealed record PersistFailed(string What, IActorRef ReplyTo, string Reason);
}
