using ConnActors.Actors.Ledger;
using ConnActors.Libp2p.Host;
using PolicyDirection = ConnActors.Policy.Admission.ConnectionDirection;

namespace ConnActors.Actors.Tests.Ledger;

/// <summary>One random host event or command: an operation code and two free arguments.</summary>
public readonly record struct LedgerOp(int Code, int A, int B)
{
    public const int Codes = 12;
}

/// <summary>
/// Plays a host against a ledger: attempts, gate answers, opens, closes, failures, dials and trims in any
/// order, plus late and duplicate reports, and checks after every step that the ledger and the policy agree
/// with what the host holds.
/// </summary>
internal sealed class LedgerDriver
{
    private readonly LedgerFixture _f;
    private readonly PeerId[] _peers = Enumerable.Range(0, 24).Select(_ => PrivateKey.Generate().PeerId).ToArray();
    // What the host has: attempts in progress (with the peer once known) and open connections.
    private readonly Dictionary<ConnectionId, (PeerId? Peer, PolicyDirection Direction, int Host)> _attempts = new();
    private readonly Dictionary<ConnectionId, (PeerId Peer, PolicyDirection Direction, int Host)> _open = new();
    private readonly List<ConnectionId> _ended = new();
    private readonly List<ConnectionId> _toClose = new();

    public LedgerDriver(string overrides) => _f = new LedgerFixture(overrides);

    public ConnectionLedger Ledger => _f.Ledger;

    /// <summary>The host's clock (time steps move it).</summary>
    public long Now => _f.Now;

    /// <summary>Every connection the host opened and later closed (each must have ended exactly once in the ledger).</summary>
    public int Opened { get; private set; }

    /// <summary>Peers the ledger asked to close.</summary>
    public int Trims { get; private set; }

    public void Apply(LedgerOp op)
    {
        var peer = _peers[op.A % _peers.Length];
        int host = op.B % 40;
        switch (op.Code)
        {
            case 0: // an inbound socket is accepted
            {
                var id = _f.NewId();
                if (Ledger.InboundAttempt(id, LedgerFixture.Address(host), _f.Now).Allowed) _attempts[id] = (null, PolicyDirection.Inbound, host);
                else _ended.Add(id);
                break;
            }
            case 1 when Pick(_attempts.Where(a => a.Value.Direction == PolicyDirection.Inbound && a.Value.Peer is null), op.B) is { } id:
            {
                var attempt = _attempts[id];
                if (Ledger.InboundSecured(id, peer, LedgerFixture.Address(attempt.Host), _f.Now).Allowed) _attempts[id] = attempt with { Peer = peer };
                else End(id, failed: true);
                break;
            }
            case 2 when Pick(_attempts.Where(a => a.Value.Peer is not null), op.B) is { } id: // the muxer is up: open
            {
                var attempt = _attempts[id];
                _attempts.Remove(id);
                _open[id] = (attempt.Peer!, attempt.Direction, attempt.Host);
                Opened++;
                Ledger.Opened(id, attempt.Peer!, attempt.Direction, LedgerFixture.Address(attempt.Host), _f.Now);
                break;
            }
            case 3 when Pick(_attempts, op.B) is { } id: // the handshake fails
                End(id, failed: true);
                break;
            case 4 when Pick(_open, op.B) is { } id: // the remote closes
                End(id, failed: false);
                break;
            case 5: // a late, duplicate or wrong report: about an id that ended, one never seen, or a failure of one open
            {
                var id = op.B % 4 == 0 && Pick(_open, op.A) is { } open ? open
                    : _ended.Count > 0 && op.B % 4 != 1 ? _ended[op.B % _ended.Count]
                    : new ConnectionId(1_000_000 + op.B);
                if (_open.ContainsKey(id)) Ledger.Failed(id, _f.Now);
                else if (op.A % 2 == 0) Ledger.Closed(id, _f.Now);
                else Ledger.Failed(id, _f.Now);
                Ledger.DialReturned(id, null, "late", _f.Now);
                break;
            }
            case 6: // a subsystem asks to dial
                Ledger.RequestDial(peer, [LedgerFixture.Address(host)], (byte)(op.B % 256), _f.Now);
                break;
            case 7: // the queue hands out dials; the host starts them
                foreach (var start in _f.Pump()) _attempts[start.Id] = (start.Peer, PolicyDirection.Outbound, host);
                break;
            case 8 when Pick(_attempts.Where(a => a.Value.Direction == PolicyDirection.Outbound), op.B) is { } id: // a dial returns
            {
                var attempt = _attempts[id];
                if (op.A % 3 == 0 && _open.FirstOrDefault(o => o.Value.Peer.Equals(attempt.Peer)) is { Key.Value: > 0 } existing)
                {
                    _attempts.Remove(id); // answered with a connection the host already had
                    _ended.Add(id);
                    Ledger.DialReturned(id, existing.Key, null, _f.Now);
                }
                else if (op.A % 3 == 1) End(id, failed: true);
                break;
            }
            case 9: // a dial made directly on the host reaches the outbound gate
            {
                var id = _f.NewId();
                if (Ledger.OutboundSecured(id, peer, LedgerFixture.Address(host), _f.Now).Allowed) _attempts[id] = (peer, PolicyDirection.Outbound, host);
                else _ended.Add(id);
                break;
            }
            case 10: // time passes; regulation may trim, or memory pressure trims at once
                _f.Now += op.B * 37;
                Ledger.Tick(_f.Now);
                if (op.A % 4 == 0) Ledger.EmergencyTrim(_f.Now); else Ledger.Regulate(_f.Now, 0);
                break;
            case 11: // the host carries out the closes it was asked for
                foreach (var id in _toClose.ToList()) if (_open.ContainsKey(id)) End(id, failed: false);
                _toClose.Clear();
                break;
        }
        TakeEffects();
        CheckInvariants();
    }

    /// <summary>Ends everything the host still holds, as a node stopping would.</summary>
    public void EndAll()
    {
        foreach (var id in _attempts.Keys.ToList()) End(id, failed: true);
        foreach (var id in _open.Keys.ToList()) End(id, failed: false);
        TakeEffects();
        CheckInvariants();
    }

    private void End(ConnectionId id, bool failed)
    {
        _attempts.Remove(id);
        _open.Remove(id);
        _ended.Add(id);
        if (failed) Ledger.Failed(id, _f.Now); else Ledger.Closed(id, _f.Now);
    }

    private void TakeEffects()
    {
        foreach (var effect in _f.TakeEffects())
        {
            switch (effect)
            {
                case ByeAndClose e:
                    _toClose.AddRange(e.Ids);
                    Trims++;
                    break;
                case AbortConnection e when _open.ContainsKey(e.Id) || _attempts.ContainsKey(e.Id):
                    End(e.Id, failed: _attempts.ContainsKey(e.Id));
                    break;
            }
        }
    }

    private static ConnectionId? Pick<T>(IEnumerable<KeyValuePair<ConnectionId, T>> items, int index)
    {
        var list = items.Select(i => i.Key).ToList();
        return list.Count == 0 ? null : list[index % list.Count];
    }

    private void CheckInvariants()
    {
        var policy = Ledger.Policy;
        var records = Ledger.Connections.All.ToList();
        Assert.True(policy.Occupancy <= policy.Settings.Limits.HardCap, $"occupancy {policy.Occupancy} above the hard cap");
        Assert.Equal(records.Count(r => r.CountedEstablished), policy.Connections);
        Assert.Equal(records.Count(r => r.Stage == ConnectionStage.Handshaking), policy.PendingInbound);
        Assert.Equal(records.Count(r => r.Stage == ConnectionStage.Dialing), policy.PendingOutbound);
        Assert.Equal(records.Count(r => r.CountedEstablished && r.Closing), policy.Closing);
        Assert.Equal(records.Count(r => r.Stage == ConnectionStage.Live), Ledger.Connections.Live);
        // Every connection the host holds open is live in the ledger, and nothing else is.
        Assert.Equal(_open.Keys.OrderBy(k => k.Value), records.Where(r => r.Stage == ConnectionStage.Live).Select(r => r.Id).OrderBy(k => k.Value));
        foreach (var record in records) Assert.True(_attempts.ContainsKey(record.Id) || _open.ContainsKey(record.Id), $"{record.Id} ended at the host but is held");
    }
}
