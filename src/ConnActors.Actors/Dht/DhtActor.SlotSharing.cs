using Akka.Actor;
using ConnActors.Actors.Manager;
using ConnActors.Actors.Quotas;
using ConnActors.Libp2p.Identity;
using ConnActors.Policy.Dht;
using ConnActors.Policy.Quotas;

namespace ConnActors.Actors.Dht;

// dht.share-lookup-slots (LookupSlotSharing): a query refused a dht slot takes one from the running lookup that holds the most,
// if the rule lets it. That lookup gives up its claim on a peer that answered it and that no other lookup or the routing table
// holds. Refused at the subsystem's maximum, the claim is enough: the slot is free at once, and the query asks again. Refused
// because the node is full (also when it asks again after a slot given at the maximum: LookupSlotSharing.MayAskToShare; the
// room comes first from the peer whose claim it was given), the peer also leaves the bursts of the lookups that asked it, so
// the connection the giver opened closes now instead of when that lookup ends; the query asks again once the manager has
// seen it closed (bounded by the request timeout), or at once if nothing closes (at low water nothing is released: there
// is room). A peer another lookup is still asking over that connection may be given (one no lookup asks is preferred): it
// leaves the bursts once answered. Without that, a taker whose refused queries came back at once, while the giver's
// answered peers were still being asked by it over their open connections, found nothing to take and stayed refused.
internal sealed partial class DhtActor
{
    // Queries waiting for a given peer's connection to close, by that peer.
    private readonly Dictionary<PeerId, QueryDone> _awaitingRoom = new();
    // Given peers a running lookup is still asking: they leave the bursts when no lookup asks them any more.
    private readonly HashSet<PeerId> _leaveOnceAnswered = new();
    private long _lookupSlotsShared, _lookupRoomMade;
    private bool _watchingCloses;

    private void ReceiveSlotSharing()
    {
        Receive<BurstLeft>(OnBurstLeft);
        Receive<ConnectionClosed>(OnConnectionClosed);
        Receive<RoomWaitOver>(m =>
        {
            if (StopAwaitingRoom(m.Peer) is { } done) GiveUp(done);
        });
    }

    // True when the refused query will ask again (now, or once room is made).
    private bool TryShareSlot(QueryDone done)
    {
        var job = done.Job;
        if (!_settings.ShareLookupSlots || RefusalOf(done.Kind) is not { } refusal || !LookupSlotSharing.MayAskToShare(refusal, job.GivenSlotFor)
            || !_running.TryGetValue(job.LookupId, out var taker)) return false;
        bool forRoom = refusal == SlotOutcome.DeniedNoCapacity;
        // Given a claim at the maximum, the query asks first for that peer's connection: one peer moves, claim and connection
        // (unless a lookup is still asking it, whose answer would keep the connection a while).
        if (forRoom && job.GivenAtMaximum is { } givenBefore && MayLetGo(givenBefore, claims: 0) && !IsAsked(givenBefore)
            && _host.ConnectionsTo(givenBefore).Any(c => !c.IsClosed) && _running.Values.Any(r => r.Queried.Contains(givenBefore) && r.BurstId is not null))
            return AwaitRoom(done, givenBefore);
        if (ChooseGiver(taker, forRoom) is not var (giver, given)) return false;
        giver.Claimed.Remove(given);
        UnclaimForLookup(given);
        if (forRoom) return AwaitRoom(done, given);
        _lookupSlotsShared++;
        // The slot given up is released before this query asks again (both go to the supervisor, in this order).
        AskAgain(job with { GivenAtMaximum = given }, refusal);
        return true;
    }

    private bool AwaitRoom(QueryDone done, PeerId given)
    {
        _awaitingRoom[given] = done;
        if (!_watchingCloses) _watchingCloses = Context.System.EventStream.Subscribe(Self, typeof(ConnectionClosed));
        Timers.StartSingleTimer(RoomTimerKey(given), new RoomWaitOver(given), _settings.RequestTimeout);
        if (IsAsked(given)) _leaveOnceAnswered.Add(given);
        else LeaveBursts(given);
        return true;
    }

    // Every lookup that asked the peer has its answer: it leaves all their bursts, so that its connection can close.
    private void LeaveBursts(PeerId given)
    {
        var bursts = _running.Values.Where(r => r.Queried.Contains(given) && r.BurstId is not null).Select(r => r.BurstId!.Value).ToList();
        _supervisor.Tell(new LeaveBursts(bursts, given), Self);
    }

    // A lookup's query to the peer is no longer in flight (answered, failed, or its lookup ended).
    private void LeaveOnceAnswered(PeerId peer)
    {
        if (_leaveOnceAnswered.Count == 0 || IsAsked(peer) || !_leaveOnceAnswered.Remove(peer)) return;
        if (_awaitingRoom.ContainsKey(peer)) LeaveBursts(peer);
    }

    private bool IsAsked(PeerId peer) => _running.Values.Any(r => r.InFlight.Contains(peer));

    private (LookupRun Giver, PeerId Given)? ChooseGiver(LookupRun taker, bool forRoom)
    {
        int takerHolds = Holds(taker);
        (LookupRun, PeerId)? best = null;
        int bestHolds = -1;
        foreach (var other in _running.Values)
        {
            if (other == taker || (forRoom && other.BurstId is null)) continue;
            int holds = Holds(other);
            if (!LookupSlotSharing.IsBetterGiver(holds, bestHolds, takerHolds)) continue;
            var givable = other.Claimed.Where(p => !other.InFlight.Contains(p) && MayLetGo(p, claims: 1));
            var peer = forRoom ? givable.OrderBy(IsAsked).FirstOrDefault() : givable.FirstOrDefault();
            if (peer is null) continue;
            (best, bestHolds) = ((other, peer), holds);
        }
        return best;
    }

    // A peer with this many lookup claims that neither the routing table nor another query's wait for room holds.
    private bool MayLetGo(PeerId peer, int claims) =>
        _lookupClaims.GetValueOrDefault(peer) == claims && !_routingHeld.Contains(peer) && !_routingAsked.Contains(peer) && !_awaitingRoom.ContainsKey(peer);

    // The slots a lookup holds: its claims on peers it is connected to. A claim of a query still asking (refused, or about to
    // be) holds nothing: counting those, a lookup whose alpha queries were all refused at once looked as busy as its giver.
    private int Holds(LookupRun run) => run.Claimed.Count(p => _host.ConnectionsTo(p).Any(c => !c.IsClosed));

    private void OnBurstLeft(BurstLeft m)
    {
        if (m.Closing || !_awaitingRoom.ContainsKey(m.Peer)) return;
        // Nothing closes: something else still uses the peer (a tag, a slot, another subsystem's burst), or the node is at its
        // low water, where nothing is released because there is room. Either way the query asks once more.
        AskAgainIfRunning(StopAwaitingRoom(m.Peer)!);
    }

    // Published by the manager after its ledger counted the close, so the query's new ask for a slot finds the room.
    private void OnConnectionClosed(ConnectionClosed m)
    {
        if (_awaitingRoom.Count == 0 || !PeerId.TryParse(m.PeerId, out var parsed) || parsed is not { } peer || !_awaitingRoom.ContainsKey(peer)) return;
        if (_host.ConnectionsTo(peer).Any(c => !c.IsClosed)) return;
        _lookupRoomMade++;
        AskAgainIfRunning(StopAwaitingRoom(peer)!);
    }

    // A lookup that ended meanwhile needs no dial: its query ends as refused (and gives its claim back).
    private void AskAgainIfRunning(QueryDone done)
    {
        if (!_running.ContainsKey(done.Job.LookupId)) GiveUp(done);
        else
        {
            AskAgain(done.Job, SlotOutcome.DeniedNoCapacity);
            StopWatchingClosesIfIdle();
        }
    }

    private QueryDone? StopAwaitingRoom(PeerId peer)
    {
        _leaveOnceAnswered.Remove(peer);
        Timers.Cancel(RoomTimerKey(peer));
        return _awaitingRoom.Remove(peer, out var done) ? done : null;
    }

    private void AskAgain(QueryJob job, SlotOutcome givenFor) => DhtQuery.RunAsync(job with { GivenSlotFor = givenFor }).PipeTo(Self);

    // The room a query waited for did not come: it fails as it was refused (and does not ask to share again).
    private void GiveUp(QueryDone done)
    {
        StopWatchingClosesIfIdle();
        OnQueryDone(done with { Job = done.Job with { GivenSlotFor = SlotOutcome.DeniedNoCapacity } });
    }

    private static SlotOutcome? RefusalOf(QueryFailure kind) => kind switch
    {
        QueryFailure.AtDhtMaximum => SlotOutcome.DeniedAtMaximum,
        QueryFailure.NoRoom => SlotOutcome.DeniedNoCapacity,
        _ => null,
    };

    private void StopWatchingClosesIfIdle()
    {
        if (!_watchingCloses || _awaitingRoom.Count > 0) return;
        Context.System.EventStream.Unsubscribe(Self, typeof(ConnectionClosed));
        _watchingCloses = false;
    }

    private static string RoomTimerKey(PeerId peer) => "room-" + peer;

    private sealed record RoomWaitOver(PeerId Peer);
}
