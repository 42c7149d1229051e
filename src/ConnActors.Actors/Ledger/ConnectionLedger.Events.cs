using ConnActors.Actors.Host;
using ConnActors.Libp2p.Host;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Scoring;
using PolicyDirection = ConnActors.Policy.Admission.ConnectionDirection;

namespace ConnActors.Actors.Ledger;

// What the host reports about attempts and connections. Each id opens at most once and ends exactly
// once; a report about an id that already ended (or was never seen) is counted and changes nothing.
internal sealed partial class ConnectionLedger
{
    /// <summary>
    /// The attempt <paramref name="id"/> is open. Returns the peer's key when the connection is registered
    /// (its actor should hear of it), or null when it was already registered or refused now (an
    /// <see cref="AbortConnection"/> is left in <see cref="Effects"/>). One chosen to close before it opened
    /// is registered and closed with the bye of the trim that chose it.
    /// </summary>
    public PeerKey? Opened(ConnectionId id, PeerId peer, PolicyDirection direction, Multiaddr remote, long nowMs)
    {
        if (!_connections.TryGet(id, out var record)) return AdmitUnseen(id, peer, direction, remote, nowMs);
        switch (record.Stage)
        {
            case ConnectionStage.Live:
                return null;
            case ConnectionStage.Handshaking:
                // The peer gate was never asked (a host without gates): abort the handshake and admit it whole.
                _policy.AbortInboundHandshake(record.Address);
                _connections.Remove(record);
                return AdmitUnseen(id, peer, direction, remote, nowMs);
            case ConnectionStage.Dialing:
                _policy.CompleteOutbound(record.Key, success: true, nowMs);
                _dials.Finish(id, connected: true, nowMs, out _);
                break;
        }
        _connections.Open(record);
        if (record.Closing)
        {
            _effects.Add(record.ClosingBye is { } bye
                ? new ByeAndClose(record.Key, peer, [id], bye, bye.Detail ?? "trimmed")
                : new AbortConnection(id, "trimmed before it opened"));
            return record.Key;
        }
        if (direction == PolicyDirection.Inbound) SteerDuplicate(record.Key, peer, nowMs);
        return record.Key;
    }

    /// <summary>The connection <paramref name="id"/> closed. Returns the peer's key when it was registered.</summary>
    public PeerKey? Closed(ConnectionId id, long nowMs)
    {
        if (!_connections.TryGet(id, out var record)) return null;
        End(record, nowMs);
        return record.Peer is null ? null : record.Key;
    }

    /// <summary>The attempt <paramref name="id"/> ended before it opened (refused, timed out, aborted, bad input) for <paramref name="reason"/>.</summary>
    public void Failed(ConnectionId id, long nowMs, string? reason = null)
    {
        if (!_connections.TryGet(id, out var record) || record.Stage == ConnectionStage.Live) return;
        if (record.Stage == ConnectionStage.Handshaking) Counters.InboundHandshakeFailed();
        End(record, nowMs, reason);
    }

    /// <summary>A stream of <paramref name="protocol"/> opened on <paramref name="id"/>; the peer's key, when known.</summary>
    public PeerKey? StreamOpened(ConnectionId id, string protocol, long nowMs)
    {
        if (!_connections.TryGet(id, out var record) || record.Peer is null) return null;
        if (!_subsystems.IsUpkeep(protocol)) _policy.RecordSignal(record.Key, UsefulnessSignal.StreamOpened, 1, nowMs);
        return record.Key;
    }

    /// <summary>A stream closed on <paramref name="id"/> after <paramref name="bytes"/>; the peer's key, when known.</summary>
    public PeerKey? StreamClosed(ConnectionId id, long bytes, long nowMs)
    {
        if (!_connections.TryGet(id, out var record) || record.Peer is null) return null;
        if (bytes > 0) _policy.RecordSignal(record.Key, UsefulnessSignal.BytesTransferred, bytes, nowMs);
        return record.Key;
    }

    /// <summary>Identify told us the peer's listen addresses and protocols; the peer's key, when known.</summary>
    public PeerKey? Identified(ConnectionId id, IReadOnlyList<Multiaddr> listenAddresses, IReadOnlyList<string> protocols)
    {
        if (!_connections.TryGet(id, out var record) || record.Peer is null) return null;
        _peers.SetListenAddresses(record.Key, listenAddresses);
        _policy.SetOverlap(record.Key, ProtocolOverlap.Of(_subsystems.Protocols, protocols));
        return record.Key;
    }

    // Ends a record exactly once, giving back whatever it held in the policy.
    private void End(ConnectionRecord record, long nowMs, string? failure = null)
    {
        RemoveEnded(record, nowMs);
        switch (record.Stage)
        {
            case ConnectionStage.Handshaking:
                _policy.AbortInboundHandshake(record.Address);
                return;
            case ConnectionStage.Dialing:
                _policy.CompleteOutbound(record.Key, success: false, nowMs);
                FinishDial(record, connected: false, failure ?? "failed", nowMs);
                break;
            default:
                _policy.ConnectionClosed(record.Key, record.Direction, record.Address, nowMs, record.Closing);
                break;
        }
        ReleaseIfForgotten(record.Key);
    }

    // An open connection the ledger never saw at a gate (a host without gates, a manager that restarted):
    // admitted now as a whole, or closed.
    private PeerKey? AdmitUnseen(ConnectionId id, PeerId peer, PolicyDirection direction, Multiaddr remote, long nowMs)
    {
        var key = _peers.KeyFor(peer);
        var address = Addresses.ToRemoteAddress(remote);
        var verdict = direction == PolicyDirection.Inbound ? _policy.AdmitInbound(key, address, nowMs) : _policy.AdmitOutbound(key, address, nowMs);
        if (!verdict.Admitted)
        {
            CountRefusal(verdict.Reason);
            _effects.Add(new Announce(new Manager.AdmissionRefused(LedgerCounters.NameOf(verdict.Reason), remote.ToString(), peer.ToString())));
            ReleaseIfForgotten(key);
            _effects.Add(new AbortConnection(id, $"refused: {LedgerCounters.NameOf(verdict.Reason)}"));
            return null;
        }
        var record = new ConnectionRecord(id, direction, address) { Stage = ConnectionStage.Live };
        _connections.Add(record);
        _connections.Identify(record, peer, key);
        return key;
    }
}
