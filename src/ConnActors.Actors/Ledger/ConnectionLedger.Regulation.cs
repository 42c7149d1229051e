using ConnActors.Actors.Bye;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Trimming;

namespace ConnActors.Actors.Ledger;

// Regulation rounds: the policy plans, the ledger marks exactly the connections each victim holds now as
// closing (one that opens later is not among them) and leaves a bye-and-close for each victim.
internal sealed partial class ConnectionLedger
{
    /// <summary>Runs a round if one is due (an emergency round when <paramref name="workingSetBytes"/> is over the memory limit).</summary>
    public void Regulate(long nowMs, long workingSetBytes)
    {
        if (_policy.IsUnderMemoryPressure(workingSetBytes))
        {
            EmergencyTrim(nowMs);
            return;
        }
        _policy.PlanTrim(nowMs, _plan);
        CarryOut(ByeReason.Trimmed, emergency: false, nowMs);
    }

    /// <summary>Trims down to the emergency target now (friends and protected peers stay).</summary>
    public void EmergencyTrim(long nowMs)
    {
        _policy.PlanEmergencyTrim(nowMs, _plan);
        CarryOut(ByeReason.MemoryPressure, emergency: true, nowMs);
    }

    private void CarryOut(ByeReason byeReason, bool emergency, long nowMs)
    {
        if (_plan.Victims.Count == 0) return;
        var alternatives = Alternatives(nowMs);
        var byReason = new Dictionary<TrimReason, int>();
        foreach (var victim in _plan.Victims)
        {
            byReason[victim.Reason] = byReason.GetValueOrDefault(victim.Reason) + 1;
            if (!emergency && _handoff && _peers.TryGetPeer(victim.Peer, out var peer))
            {
                bool held = _fleet.HeldByOthers.TryGetValue(peer, out var holder);
                if (HandoffTarget(victim.Peer, victim.Connections, held, nowMs) is { } target)
                {
                    // Handed to a member with room: the bye names it first, and it dials the peer if the peer's
                    // listen addresses are known (not yet identified: the bye alone refers it there).
                    if (_peers.DialableAddress(victim.Peer) is { } dialable) _effects.Add(new HandOff(peer, [dialable], target));
                    Close(victim.Peer, victim.Reason, ByeReason.Handoff, [target.Address, .. alternatives], nowMs);
                    continue;
                }
                if (held)
                {
                    // Another member holds it already: it stays in the fleet, so it is not handed to a third; its bye names the holder.
                    Close(victim.Peer, victim.Reason, ByeReason.Handoff, [holder!, .. alternatives], nowMs);
                    continue;
                }
            }
            Close(victim.Peer, victim.Reason, byeReason, alternatives, nowMs);
        }
        _effects.Add(new RegulationRan(new TrimPlanSummary(_plan.Trigger, _plan.CountBefore, _plan.ConnectionsClosed, byReason,
            _plan.FollowUpAtMs is { } at ? at - nowMs : null, emergency)));
    }

    // A subsystem below its reservation takes the slot of a peer held only by subsystems above theirs.
    private void Reclaim(PeerKey victim, long nowMs)
    {
        Close(victim, TrimReason.QuotaReclaim, ByeReason.QuotaReclaim, [], nowMs);
        if (_peers.TryGetPeer(victim, out var peer)) _effects.Add(new SlotTakenBack(peer));
    }

    private void Close(PeerKey key, TrimReason reason, ByeReason byeReason, IReadOnlyList<Multiaddr> alternatives, long nowMs)
    {
        _counters.Trimmed(reason);
        if (!_peers.TryGetPeer(key, out var peer)) return;
        _effects.Add(new Announce(new Manager.PeerTrimmed(peer.ToString(), reason.ToString())));
        var bye = _settings.Bye;
        long backoffMs = _policy.ByeBackoffMs(key, nowMs);
        if (bye.Enabled) _policy.RecordByeSent(key, nowMs + backoffMs, nowMs);
        HoldOwnDials(key, reason, nowMs);
        var message = new ByeMessage(byeReason, TimeSpan.FromMilliseconds(backoffMs), bye.Enabled ? alternatives : [], reason.ToString());
        var ids = new List<ConnectionId>();
        foreach (var record in _connections.Of(key))
        {
            if (!record.CountedEstablished || record.Closing) continue;
            record.Closing = true;
            record.ClosingBye = message;
            if (record.Stage == ConnectionStage.Live) ids.Add(record.Id);
        }
        if (ids.Count > 0) _effects.Add(new ByeAndClose(key, peer, ids, message, reason.ToString()));
    }

    // This node trimmed the peer: its own lookups and repairs pick other peers until the hold ends (none for a
    // friend or a finished lookup's query connection, whatever the reason: OwnTrimHold); the policy keeps the
    // peer's record (and key) as long (bounded by peers.max-records like any retained record).
    private void HoldOwnDials(PeerKey key, TrimReason reason, long nowMs)
    {
        long until = _policy.OwnTrimHoldUntil(key, reason, nowMs);
        if (until <= nowMs) return;
        _dials.Backoff.RecordOwnTrim(key, until - nowMs, nowMs);
        _policy.Retain(key, until, nowMs);
    }

    // Peers a trimmed peer may turn to instead: our best-scored connected peers that announced a listen
    // address, never one being closed in the same round.
    private IReadOnlyList<Multiaddr> Alternatives(long nowMs)
    {
        int wanted = _settings.Bye.MaxAlternatives;
        if (wanted == 0 || !_settings.Bye.Enabled) return [];
        var victims = new HashSet<PeerKey>(_plan.Victims.Select(v => v.Peer));
        return _policy.BestConnectedPeers(nowMs, wanted, peer => !victims.Contains(peer) && _peers.DialableAddress(peer) is not null)
            .Select(peer => _peers.DialableAddress(peer)!)
            .ToList();
    }
}
