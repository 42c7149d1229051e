using Akka.Actor;
using Akka.Event;
using ConnActors.Actors.Ledger;
using ConnActors.Actors.Peers;
using ConnActors.Actors.Quotas;
using ConnActors.Libp2p.Host;

namespace ConnActors.Actors.Manager;

public sealed partial class ConnectionManager
{
    // Carries out what the ledger decided, in order.
    private void Perform()
    {
        var effects = _ledger.Effects;
        for (int i = 0; i < effects.Count; i++) Perform(effects[i]);
        effects.Clear();
    }

    private void Perform(LedgerEffect effect)
    {
        switch (effect)
        {
            case AbortConnection e:
                Host.Abort(e.Id, e.Reason);
                break;
            case ByeAndClose e when _peerActors.TryGetValue(e.Key, out var actor):
                actor.Tell(new TrimPeer(e.Ids, e.Bye, e.Reason));
                break;
            case ByeAndClose e:
                foreach (var id in e.Ids) Host.Abort(id, e.Reason);
                break;
            case StartDial e:
                var dialId = e.Id;
                QueryDialStarted(e.Peer);
                Host.DialPeerAsync(e.Peer, e.Addresses, dialId).PipeTo(Self,
                    success: connection => new DialReturned(dialId, connection.Id, null),
                    failure: error => new DialReturned(dialId, null, error is HandshakeFailedException h ? h.Reason : error.Message));
                break;
            case DialFailed e:
                if (_peerActors.TryGetValue(e.Key, out var failedFor)) failedFor.Tell(new PeerDialFailed(e.Reason));
                var failedPeer = e.Peer ?? (_ledger.Peers.TryGetPeer(e.Key, out var known) ? known : null);
                if (failedPeer is not null)
                {
                    QueryDialEnded(failedPeer, null, e.Reason, e.HeldAfterOwnTrim, e.RefusedForRoom);
                }
                break;
            case PumpDialsAt e:
                Timers.StartSingleTimer(DialPumpTimer, PumpDialsNow.Instance, TimeSpan.FromMilliseconds(Math.Max(1, e.AtMs - Now)));
                break;
            case Persist e:
                _peerStore?.Tell(e.Command);
                break;
            case FriendBecame e:
                PeerActorFor(e.Key, e.Peer).Tell(new BecomeFriend(e.Addresses));
                break;
            case FriendDropped e when _peerActors.TryGetValue(e.Key, out var actor):
                actor.Tell(StopBeingFriend.Instance);
                break;
            case SlotTakenBack e:
                foreach (var supervisor in _supervisors.Values) supervisor.Tell(new SlotReclaimed(e.Peer));
                break;
            case SlotClaimedByStream e:
                _supervisors[e.Subsystem].Tell(new StreamClaimed(e.Peer));
                break;
            case HandOff e:
                Perform(e);
                break;
            case SharePenalty e:
                Perform(e);
                break;
            case Announce e:
                Context.System.EventStream.Publish(e.Event);
                break;
            case RegulationRan e:
                var s = e.Summary;
                _log.Info("regulation ({0}): {1} -> {2} connections, closing {3} peer(s) [{4}]{5}",
                    s.Emergency ? "emergency" : s.Trigger.ToString(), s.CountBefore, s.CountBefore - s.Closed, s.Victims.Values.Sum(),
                    string.Join(", ", s.Victims.Select(v => $"{v.Key}: {v.Value}")), s.FollowUpInMs is { } ms ? $", follow-up in {ms} ms" : "");
                break;
        }
    }
}
