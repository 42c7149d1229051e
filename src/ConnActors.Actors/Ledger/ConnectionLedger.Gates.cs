using ConnActors.Actors.Host;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy.Admission;
using PolicyDirection = ConnActors.Policy.Admission.ConnectionDirection;

namespace ConnActors.Actors.Ledger;

// The host's gate questions: each names its attempt, so every answer and every later event about the
// attempt meet at one record.
internal sealed partial class ConnectionLedger
{
    /// <summary>May the inbound attempt <paramref name="id"/> from <paramref name="remote"/> start its handshake?</summary>
    public GateDecision InboundAttempt(ConnectionId id, Multiaddr remote, long nowMs)
    {
        if (_connections.Contains(id)) return GateDecision.Allow; // asked twice: the first answer stands
        ApplyLease(nowMs);
        if (_suspended)
        {
            EntryReset(nowMs);
            return RefuseWithoutShare();
        }
        if (!RouterHasRoom(nowMs)) return RefuseForRouterEntries(nowMs);
        var address = Addresses.ToRemoteAddress(remote);
        var privileged = _friends.IsFriendAddress(address);
        var verdict = _policy.CheckInboundAddress(address, nowMs, privileged);
        if (verdict.Reason == RefusalReason.PendingHandshakes && EvictPendingHandshakeFor(address, nowMs))
            verdict = _policy.CheckInboundAddress(address, nowMs, privileged);
        if (!verdict.Admitted)
        {
            EntryReset(nowMs); // the router took the accepted socket's entry before the gate could refuse it (and reset it)
            return Refuse(verdict.Reason);
        }
        _connections.Add(new ConnectionRecord(id, PolicyDirection.Inbound, address) { Stage = ConnectionStage.Handshaking, StartedMs = nowMs });
        return GateDecision.Allow;
    }

    /// <summary>The inbound attempt <paramref name="id"/> authenticated as <paramref name="peer"/>: admit it?</summary>
    public GateDecision InboundSecured(ConnectionId id, PeerId peer, Multiaddr remote, long nowMs)
    {
        ApplyLease(nowMs);
        if (_suspended) return RefuseWithoutShare();
        var key = _peers.KeyFor(peer);
        if (!_connections.TryGet(id, out var record))
        {
            // Not seen at the address gate (asked of a manager that restarted meanwhile): both gates now.
            var verdict = _policy.AdmitInbound(key, Addresses.ToRemoteAddress(remote), nowMs);
            if (!verdict.Admitted) return RefuseAndRelease(key, verdict.Reason);
            record = new ConnectionRecord(id, PolicyDirection.Inbound, Addresses.ToRemoteAddress(remote)) { Stage = ConnectionStage.Admitted };
            _connections.Add(record);
            _connections.Identify(record, peer, key);
            return GateDecision.Allow;
        }
        if (record.Stage != ConnectionStage.Handshaking) return peer.Equals(record.Peer) ? GateDecision.Allow : GateDecision.Refuse("attempt already admitted for another peer");
        var admitted = _policy.CompleteInboundHandshake(key, record.Address, nowMs);
        if (!admitted.Admitted)
        {
            RemoveEnded(record, nowMs);
            if (admitted.Reason == RefusalReason.Backoff) PersistPenaltyOf(key, peer, nowMs);
            return RefuseAndRelease(key, admitted.Reason);
        }
        record.Stage = ConnectionStage.Admitted;
        _connections.Identify(record, peer, key);
        return GateDecision.Allow;
    }

    /// <summary>
    /// The outbound attempt <paramref name="id"/> authenticated <paramref name="peer"/>. A queued dial holds its
    /// slot since it was handed out; a dial made directly on the host is admitted here, after the fact, or refused.
    /// </summary>
    public GateDecision OutboundSecured(ConnectionId id, PeerId peer, Multiaddr remote, long nowMs)
    {
        if (_connections.Contains(id)) return GateDecision.Allow; // a queued dial, or another address of the same attempt
        ApplyLease(nowMs);
        if (_suspended) return RefuseWithoutShare();
        if (!RouterHasRoom(nowMs)) return RefuseForRouterEntries(nowMs);
        var key = _peers.KeyFor(peer);
        var address = Addresses.ToRemoteAddress(remote);
        var verdict = _policy.BeginOutbound(key, address, nowMs);
        if (!verdict.Admitted) return RefuseAndRelease(key, verdict.Reason);
        var record = new ConnectionRecord(id, PolicyDirection.Outbound, address) { Stage = ConnectionStage.Dialing };
        _connections.Add(record);
        _connections.Identify(record, peer, key);
        return GateDecision.Allow;
    }

    /// <summary>An inbound stream of <paramref name="protocol"/> on connection <paramref name="id"/>: does its subsystem have a slot?</summary>
    public GateDecision InboundStream(ConnectionId id, string protocol, long nowMs)
    {
        if (!_subsystems.TryGet(protocol, out var subsystem)) return GateDecision.Allow;
        if (!_connections.TryGet(id, out var record) || record.Peer is not { } peer) return GateDecision.Refuse("unknown connection");
        var decision = _policy.RequestSlot(subsystem, record.Key, nowMs);
        if (!decision.IsGranted)
        {
            _counters.Refused($"Stream{decision.Outcome}");
            return GateDecision.Refuse($"{protocol}: {decision.Outcome}");
        }
        if (decision.HasVictim) Reclaim(decision.Victim, nowMs);
        _effects.Add(new SlotClaimedByStream(subsystem, peer));
        return GateDecision.Allow;
    }

    private GateDecision RefuseWithoutShare()
    {
        _counters.RefusedWithoutShare();
        return GateDecision.Refuse(LedgerCounters.NoSiteShare);
    }

    private GateDecision Refuse(RefusalReason reason)
    {
        CountRefusal(reason);
        return GateDecision.Refuse(LedgerCounters.NameOf(reason));
    }

    private GateDecision RefuseAndRelease(Policy.PeerKey key, RefusalReason reason)
    {
        ReleaseIfForgotten(key);
        return Refuse(reason);
    }

    private void PersistPenaltyOf(Policy.PeerKey key, PeerId peer, long nowMs)
    {
        if (_policy.Penalties.Retained(key, nowMs) is not { } penalty) return;
        _effects.Add(new Persist(new Store.RecordPenalty(peer.ToString(), penalty.Value, penalty.LastUpdateMs, penalty.RetainUntilMs)));
        _effects.Add(new SharePenalty(peer, penalty.Value, penalty.LastUpdateMs, penalty.RetainUntilMs));
    }
}
