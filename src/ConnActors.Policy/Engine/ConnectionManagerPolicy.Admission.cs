using ConnActors.Policy.Admission;
using ConnActors.Policy.Peers;

namespace ConnActors.Policy.Engine;

public sealed partial class ConnectionManagerPolicy
{
    /// <summary>
    /// The address gate, before any handshake work: hard cap, inbound share, pending handshakes, subnet
    /// caps and subnet rate. On admission the attempt holds a pending slot until
    /// <see cref="CompleteInboundHandshake"/> or <see cref="AbortInboundHandshake"/>.
    /// An unknown address may not reach into the friend reserve; <paramref name="privilegedAddress"/>
    /// is true when the address is known to belong to a friend or protected peer.
    /// </summary>
    public AdmissionVerdict CheckInboundAddress(in RemoteAddress address, long nowMs, bool privilegedAddress = false)
    {
        _work++;
        if (Occupancy >= Limits.HardCap) return AdmissionVerdict.Refuse(RefusalReason.HardCap);
        if (_inbound + _pendingInbound >= Limits.MaxInbound) return AdmissionVerdict.Refuse(RefusalReason.InboundFull);
        if (!privilegedAddress && (_ordinaryInbound + _pendingInbound >= Limits.MaxInbound - Limits.FriendReserve || OrdinaryOccupancy >= OrdinaryCap))
            return AdmissionVerdict.Refuse(RefusalReason.FriendReserve);
        if (_pendingInbound >= Limits.MaxPendingHandshakes) return AdmissionVerdict.Refuse(RefusalReason.PendingHandshakes);
        var subnet = _subnets.CheckCounts(in address);
        if (subnet != RefusalReason.None) return AdmissionVerdict.Refuse(subnet);
        if (!_subnets.TryTakeInboundToken(in address, nowMs)) return AdmissionVerdict.Refuse(RefusalReason.SubnetRate);
        _pendingInbound++;
        _subnets.Add(in address);
        return AdmissionVerdict.Admit;
    }

    /// <summary>
    /// The peer gate, after the security handshake: penalties, per-peer cap and the reserves. On
    /// admission the pending slot becomes an established inbound connection; on refusal it is released.
    /// Without a pending handshake (a report the caller should not make) the address gate is asked first.
    /// </summary>
    public AdmissionVerdict CompleteInboundHandshake(PeerKey peer, in RemoteAddress address, long nowMs)
    {
        _work++;
        if (_pendingInbound <= 0)
        {
            _ignoredReports++;
            return AdmitInbound(peer, in address, nowMs);
        }
        _pendingInbound--;
        var verdict = CheckPeerForInbound(peer, nowMs);
        if (!verdict.Admitted)
        {
            _subnets.Remove(in address);
            return verdict;
        }
        Established(peer, ConnectionDirection.Inbound, nowMs);
        return verdict;
    }

    /// <summary>An inbound attempt that passed the address gate failed its handshake (ignored when none is pending).</summary>
    public void AbortInboundHandshake(in RemoteAddress address)
    {
        if (_pendingInbound <= 0)
        {
            _ignoredReports++;
            return;
        }
        _pendingInbound--;
        _subnets.Remove(in address);
    }

    /// <summary>
    /// May we dial <paramref name="peer"/>? On admission the dial holds a slot until
    /// <see cref="CompleteOutbound"/>. Outbound may use the outbound reserve; only friends and protected
    /// peers may use the friend reserve.
    /// </summary>
    public AdmissionVerdict BeginOutbound(PeerKey peer, in RemoteAddress address, long nowMs)
    {
        _work++;
        if (Occupancy >= Limits.HardCap) return AdmissionVerdict.Refuse(RefusalReason.HardCap);
        ref var entry = ref _peers.Get(peer);
        bool known = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry);
        bool privileged = known && IsPrivileged(in entry);
        if (!privileged && OrdinaryOccupancy >= OrdinaryCap)
            return AdmissionVerdict.Refuse(RefusalReason.FriendReserve);
        if (known && entry.Connections + entry.PendingOutbound >= Limits.MaxPerPeer) return AdmissionVerdict.Refuse(RefusalReason.PerPeerCap);
        if (!privileged && _penalties.IsBarred(peer, nowMs)) return AdmissionVerdict.Refuse(RefusalReason.Denied);

        ref var tracked = ref _peers.Track(peer);
        tracked.PendingOutbound++;
        tracked.ExpiresAtMs = long.MaxValue;
        _pendingOutbound++;
        if (!privileged) _ordinaryPendingOutbound++;
        return AdmissionVerdict.Admit;
    }

    /// <summary>A dial admitted by <see cref="BeginOutbound"/> finished: established or failed (ignored when none is pending).</summary>
    public void CompleteOutbound(PeerKey peer, bool success, long nowMs) => EndOutbound(peer, success ? DialEnd.Established : DialEnd.Failed, nowMs);

    /// <summary>A dial admitted by <see cref="BeginOutbound"/> opened nothing new and did not fail (the host already had a connection): its slot goes back.</summary>
    public void CancelOutbound(PeerKey peer, long nowMs) => EndOutbound(peer, DialEnd.Cancelled, nowMs);

    private enum DialEnd : byte { Established, Failed, Cancelled }

    private void EndOutbound(PeerKey peer, DialEnd end, long nowMs)
    {
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) || entry.PendingOutbound == 0)
        {
            _ignoredReports++;
            return;
        }
        entry.PendingOutbound--;
        _pendingOutbound--;
        if (!IsPrivileged(in entry)) _ordinaryPendingOutbound--;
        if (end == DialEnd.Established)
        {
            Established(peer, ConnectionDirection.Outbound, nowMs);
            return;
        }
        if (end == DialEnd.Failed) _failedDials.Record(nowMs);
        ReleaseIfGone(peer, ref entry, nowMs);
    }

    /// <inheritdoc />
    public AdmissionVerdict AdmitInbound(PeerKey peer, in RemoteAddress address, long nowMs)
    {
        var verdict = CheckInboundAddress(in address, nowMs);
        return verdict.Admitted ? CompleteInboundHandshake(peer, in address, nowMs) : verdict;
    }

    /// <inheritdoc />
    public AdmissionVerdict AdmitOutbound(PeerKey peer, in RemoteAddress address, long nowMs)
    {
        var verdict = BeginOutbound(peer, in address, nowMs);
        if (verdict.Admitted) CompleteOutbound(peer, success: true, nowMs);
        return verdict;
    }

    /// <summary>
    /// A connection ended. For callers that close a chosen peer's connections together (the simulator) it
    /// counts as one of those chosen to close while any is left; callers that know which connection it was
    /// use the overload with <c>wasClosing</c>.
    /// </summary>
    public void ConnectionClosed(PeerKey peer, ConnectionDirection direction, in RemoteAddress address, long nowMs)
    {
        ref var entry = ref _peers.Get(peer);
        bool wasClosing = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) && entry.ClosingConnections > 0;
        ConnectionClosed(peer, direction, in address, nowMs, wasClosing);
    }

    /// <summary>
    /// A connection ended; <paramref name="wasClosing"/> when it was one a trim or reclaim chose to close.
    /// A report for a connection the policy does not hold is ignored and counted (<see cref="IgnoredReports"/>).
    /// </summary>
    public void ConnectionClosed(PeerKey peer, ConnectionDirection direction, in RemoteAddress address, long nowMs, bool wasClosing)
    {
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)
            || (direction == ConnectionDirection.Inbound ? entry.Inbound : entry.Outbound) == 0)
        {
            _ignoredReports++;
            return;
        }
        bool privileged = IsPrivileged(in entry);
        if (direction == ConnectionDirection.Inbound)
        {
            entry.Inbound--;
            _inbound--;
            if (!privileged) _ordinaryInbound--;
            _subnets.Remove(in address);
        }
        else
        {
            entry.Outbound--;
            _outbound--;
        }
        if (!privileged) _ordinaryConnections--;
        if (wasClosing && entry.ClosingConnections > 0)
        {
            entry.ClosingConnections--;
            _closingConnections--;
        }
        if (entry.ActiveBursts > 0) _activeBurstConnections--;
        ReleaseIfGone(peer, ref entry, nowMs);
    }

    // Pending inbound handshakes count as ordinary until the peer is known: an unknown flood can then
    // never reach into the friend reserve, and (being capped at MaxInbound - FriendReserve) never into
    // the outbound reserve either.
    private int OrdinaryOccupancy => _ordinaryConnections + _ordinaryPendingOutbound + _pendingInbound;

    private int OrdinaryCap => Limits.HardCap - Limits.FriendReserve;

    private AdmissionVerdict CheckPeerForInbound(PeerKey peer, long nowMs)
    {
        ref var entry = ref _peers.Get(peer);
        bool known = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry);
        bool privileged = known && IsPrivileged(in entry);
        if (known && entry.Connections + entry.PendingOutbound >= Limits.MaxPerPeer) return AdmissionVerdict.Refuse(RefusalReason.PerPeerCap);
        if (privileged) return AdmissionVerdict.Admit;
        if (ViolatesBye(peer, nowMs)) return AdmissionVerdict.Refuse(RefusalReason.Backoff);
        if (_penalties.IsBarred(peer, nowMs)) return AdmissionVerdict.Refuse(RefusalReason.Denied);
        if (_ordinaryInbound >= Limits.MaxInbound - Limits.FriendReserve || OrdinaryOccupancy >= OrdinaryCap)
            return AdmissionVerdict.Refuse(RefusalReason.FriendReserve);
        return AdmissionVerdict.Admit;
    }

    private void Established(PeerKey peer, ConnectionDirection direction, long nowMs)
    {
        ref var entry = ref _peers.Track(peer);
        if (!entry.IsConnected) entry.ConnectedSinceMs = nowMs;
        entry.ExpiresAtMs = long.MaxValue;
        bool privileged = IsPrivileged(in entry);
        if (direction == ConnectionDirection.Inbound)
        {
            entry.Inbound++;
            _inbound++;
            if (!privileged) _ordinaryInbound++;
        }
        else
        {
            entry.Outbound++;
            _outbound++;
        }
        if (!privileged) _ordinaryConnections++;
        if (entry.ActiveBursts > 0) _activeBurstConnections++;
        _arrivals.RecordArrival(direction, nowMs);
    }

    // A peer with no connection and no dial left gives its subsystem slots back and is dropped or given
    // its expiry (PeerTable.Settle).
    private void ReleaseIfGone(PeerKey peer, ref PeerEntry entry, long nowMs)
    {
        if (entry.IsConnected || entry.PendingOutbound > 0) return;
        if (entry.ClosingConnections != 0)
        {
            _closingConnections -= entry.ClosingConnections;
            entry.ClosingConnections = 0;
        }
        if (entry.SubsystemClaims != 0)
        {
            _quotas.ReleaseAll(entry.SubsystemClaims);
            entry.SubsystemClaims = 0;
        }
        entry.FinishedBurst = false;
        _peers.Settle(peer, nowMs);
    }
}
