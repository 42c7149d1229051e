using ConnActors.Actors.Host;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Politeness;
using PolicyDirection = ConnActors.Policy.Admission.ConnectionDirection;

namespace ConnActors.Actors.Ledger;

// Dials through the queue: each is admitted by the policy when the queue hands it out, before any socket
// is opened, and runs under an attempt id allocated for it, so its result meets its record exactly.
internal sealed partial class ConnectionLedger
{
    /// <summary>When a dial to <paramref name="peer"/> at <paramref name="address"/> may start (a backoff or bye window may push it past now).</summary>
    public long DialBackoffUntil(PeerId peer, Multiaddr address, long nowMs) =>
        _peers.TryGetKey(peer, out var key) ? _dials.Backoff.EarliestDialMs(key, Addresses.ToAddressKey(address), nowMs) : nowMs;

    /// <summary>
    /// Queues a dial to <paramref name="peer"/> (a lookup's query dial when <paramref name="forQuery"/>: in the query dials'
    /// queue); refused at once when it has no address, the queue is full or this node trimmed the peer lately (unless
    /// <paramref name="passOwnTrimHold"/>: a lookup that needs the peer among the closest to its key).
    /// </summary>
    public void RequestDial(PeerId peer, IReadOnlyList<Multiaddr> addresses, byte priority, long nowMs, bool forQuery = false, bool passOwnTrimHold = false)
    {
        var key = _peers.KeyFor(peer);
        if (addresses.Count == 0)
        {
            DialNotStarted(key, "no address to dial", nowMs);
            return;
        }
        if (HeldElsewhere(peer, priority))
        {
            _counters.Refused("DialHeldByFleet");
            DialNotStarted(key, "held by another member of the fleet", nowMs);
            return;
        }
        if (OwnTrimHoldLeft(key, priority, passOwnTrimHold, nowMs) is > 0 and var left)
        {
            _counters.Refused(LedgerCounters.OwnTrimBackoff);
            DialNotStarted(key, $"refused: {LedgerCounters.OwnTrimBackoff} for {left} ms (this node trimmed the peer)", nowMs, heldAfterOwnTrim: true);
            return;
        }
        var result = _dials.Enqueue(key, peer, addresses, priority, nowMs, forQuery);
        if (result == EnqueueResult.QueueFull) DialNotStarted(key, "dial queue full", nowMs);
        // AlreadyDialing: the dial in flight reports for both.
    }

    /// <summary>
    /// Hands out every dial the queue allows now: admitted ones become <see cref="StartDial"/> effects under a
    /// fresh id from <paramref name="newId"/>; refused ones end at once. Leaves a <see cref="PumpDialsAt"/> for the next.
    /// </summary>
    public void PumpDials(Func<ConnectionId> newId, long nowMs)
    {
        ApplyLease(nowMs);
        while (_dials.TryNext(nowMs, out var key, out var target))
        {
            if (_suspended)
            {
                _dials.Refused(key, nowMs);
                _counters.RefusedWithoutShare();
                DialNotStarted(key, $"refused: {LedgerCounters.NoSiteShare}", nowMs);
                continue;
            }
            if (!RouterHasRoom(nowMs))
            {
                _dials.Refused(key, nowMs);
                DialNotStarted(key, $"refused: {LedgerCounters.RouterEntriesFull}", nowMs);
                continue;
            }
            var address = Addresses.ToRemoteAddress(target.Addresses[0]);
            var verdict = _policy.BeginOutbound(key, address, nowMs);
            if (!verdict.Admitted)
            {
                _counters.Refused($"Dial{LedgerCounters.NameOf(verdict.Reason)}");
                _effects.Add(new Announce(new Manager.AdmissionRefused($"Dial{LedgerCounters.NameOf(verdict.Reason)}", target.Addresses[0].ToString(), target.Peer.ToString())));
                _dials.Refused(key, nowMs);
                DialNotStarted(key, $"refused: {LedgerCounters.NameOf(verdict.Reason)}", nowMs, refusedForRoom: verdict.RefusedForRoom);
                continue;
            }
            var id = newId();
            var record = new ConnectionRecord(id, PolicyDirection.Outbound, address) { Stage = ConnectionStage.Dialing };
            _connections.Add(record);
            _connections.Identify(record, target.Peer, key);
            _dials.Started(id, key);
            _effects.Add(new StartDial(id, key, target.Peer, target.Addresses));
        }
        long next = _dials.NextReadyMs(nowMs);
        if (next != long.MaxValue) _effects.Add(new PumpDialsAt(next));
    }

    /// <summary>
    /// The dial <paramref name="id"/> returned: with the connection it opened or found open already
    /// (<paramref name="connection"/>), or failed with <paramref name="failure"/>. Whichever of this and the
    /// host's own event comes first settles the dial; the other changes nothing.
    /// </summary>
    public void DialReturned(ConnectionId id, ConnectionId? connection, string? failure, long nowMs)
    {
        if (!_connections.TryGet(id, out var record) || record.Stage != ConnectionStage.Dialing) return;
        if (connection == id) return; // opened: the host's ConnectionOpened registers it
        RemoveEnded(record, nowMs);
        if (connection is null)
        {
            _policy.CompleteOutbound(record.Key, success: false, nowMs);
            FinishDial(record, connected: false, failure ?? "failed", nowMs);
        }
        else
        {
            // The host answered with a connection it already had: the dial opened nothing, so its slot goes back.
            _policy.CancelOutbound(record.Key, nowMs);
            FinishDial(record, connected: true, null, nowMs);
        }
        ReleaseIfForgotten(record.Key);
    }

    // A failed dial's backoff window is keyed by the peer's key, so the policy keeps the peer's record
    // (and with it the key) until the window ends.
    private void FinishDial(ConnectionRecord record, bool connected, string? failure, long nowMs)
    {
        if (!_dials.Finish(record.Id, connected, nowMs, out long backoffUntilMs) || connected) return;
        _policy.Retain(record.Key, backoffUntilMs, nowMs);
        _effects.Add(new DialFailed(record.Key, record.Peer, failure ?? "failed"));
    }

    // What is left of the hold after this node's own trim of the peer: none for a friend, a friend's reconnect or a
    // lookup's query to one of the closest to its key.
    private long OwnTrimHoldLeft(PeerKey key, byte priority, bool closestForLookup, long nowMs) =>
        OwnTrimHold.RemainingMs(_dials.Backoff.OwnTrimHoldOf(key, nowMs), nowMs,
            friend: _friends.IsFriend(key) || priority >= (byte)Manager.DialPriority.Friend, closestForLookup);

    private void DialNotStarted(PeerKey key, string reason, long nowMs, bool heldAfterOwnTrim = false, bool refusedForRoom = false)
    {
        _effects.Add(new DialFailed(key, _peers.TryGetPeer(key, out var peer) ? peer : null, reason, heldAfterOwnTrim, refusedForRoom));
        ReleaseIfForgotten(key);
    }
}
