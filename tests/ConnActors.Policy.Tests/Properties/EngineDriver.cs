using ConnActors.Policy.Admission;
using ConnActors.Policy.Bursts;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Properties;

/// <summary>One random event applied to the engine: an operation code and two free arguments.</summary>
public readonly record struct EngineOp(int Code, int A, int B)
{
    public const int Codes = 13;
}

/// <summary>
/// Drives a v2 engine with random events, keeps an independent model of what is connected (which
/// peers are friends or protected, which connections exist) and checks the invariants after every
/// event. Carries out trim plans and reclaims as the actor layer would.
/// </summary>
internal sealed class EngineDriver
{
    private readonly ConnectionManagerPolicy _engine;
    private readonly List<(PeerKey Peer, ConnectionDirection Direction, RemoteAddress Address)> _connections = new();
    private readonly List<RemoteAddress> _pendingInbound = new();
    private readonly HashSet<int> _privileged = new();
    private readonly HashSet<int> _friends = new();
    private readonly HashSet<int> _protected = new();
    private readonly List<BurstId> _bursts = new();
    private readonly SubsystemId[] _subsystems;
    private readonly TrimPlan _plan = new();
    private readonly bool _allowPrivilegeAndLocks;
    private long _now;

    public EngineDriver(int hardCap, bool allowPrivilegeAndLocks = true)
    {
        var limits = ConnectionLimits.DerivedFrom(hardCap, new SubnetLimits { MaxPerIPv4 = 3, InboundBurst = 4, InboundRatePerSecond = 1 });
        _engine = new ConnectionManagerPolicy(new PolicySettings
        {
            Limits = limits,
            Trim = new TrimSettings { GracePeriodMs = allowPrivilegeAndLocks ? 5_000 : 0 },
        });
        _allowPrivilegeAndLocks = allowPrivilegeAndLocks;
        int capacity = _engine.Quotas.Capacity;
        _subsystems =
        [
            _engine.Enroll(new QuotaRequest("dht", QuotaAmount.Share(0.2), QuotaAmount.Share(0.8))).Id,
            _engine.Enroll(new QuotaRequest("pubsub", QuotaAmount.Share(0.2), QuotaAmount.Share(0.5))).Id,
            _engine.Enroll(new QuotaRequest("app", QuotaAmount.Slots(2), QuotaAmount.Slots(capacity))).Id,
        ];
    }

    public ConnectionManagerPolicy Engine => _engine;

    public ConnectionLimits Limits => _engine.Settings.Limits;

    public void Apply(EngineOp op)
    {
        int peerId = op.A % 60;
        var peer = new PeerKey(peerId);
        switch (op.Code)
        {
            case 0: // inbound attempt through both gates, or left pending
            case 1:
            {
                var address = Addresses.V4(op.A % 40);
                if (!_engine.CheckInboundAddress(address, _now).Admitted) break;
                if (op.B % 5 == 0) { _pendingInbound.Add(address); break; }
                if (_engine.CompleteInboundHandshake(peer, address, _now).Admitted) _connections.Add((peer, ConnectionDirection.Inbound, address));
                break;
            }
            case 2: // a pending handshake ends
                if (_pendingInbound.Count == 0) break;
                var pending = _pendingInbound[op.B % _pendingInbound.Count];
                _pendingInbound.Remove(pending);
                if (op.A % 2 == 0) _engine.AbortInboundHandshake(pending);
                else if (_engine.CompleteInboundHandshake(peer, pending, _now).Admitted) _connections.Add((peer, ConnectionDirection.Inbound, pending));
                break;
            case 3: // outbound dial
                if (!_engine.BeginOutbound(peer, Addresses.V4(peerId), _now).Admitted) break;
                bool success = op.B % 4 != 0;
                _engine.CompleteOutbound(peer, success, _now);
                if (success) _connections.Add((peer, ConnectionDirection.Outbound, Addresses.V4(peerId)));
                break;
            case 4: // remote closes a connection
                if (_connections.Count == 0) break;
                Close(_connections[op.B % _connections.Count]);
                break;
            case 5: // friend toggles
                if (!_allowPrivilegeAndLocks) break;
                bool friend = _friends.Add(peerId) || !_friends.Remove(peerId);
                _engine.SetFriend(peer, friend, _now);
                UpdatePrivilege(peerId);
                break;
            case 6: // protection toggles
                if (!_allowPrivilegeAndLocks) break;
                if (_protected.Add(peerId)) _engine.SetProtected(peer, true, _now);
                else
                {
                    _protected.Remove(peerId);
                    _engine.SetProtected(peer, false, _now);
                }
                UpdatePrivilege(peerId);
                break;
            case 7: // a subsystem asks for a slot
                RequestSlot(_subsystems[op.B % _subsystems.Length], peer);
                break;
            case 8:
                _engine.ReleaseSlot(_subsystems[op.B % _subsystems.Length], peer, _now);
                break;
            case 9: // bursts: begin, enlist, end or let go of one peer early (the connections released close, as the node does)
                if (op.B % 4 == 0 || _bursts.Count == 0) _bursts.Add(op.B % 8 == 0 ? _engine.BeginBurst() : _engine.BeginBurst(_now));
                else if (op.B % 4 == 1) _engine.Enlist(_bursts[op.A % _bursts.Count], peer);
                else if (op.B % 4 == 2)
                {
                    var burst = _bursts[op.A % _bursts.Count];
                    _bursts.Remove(burst);
                    _released.Clear();
                    _engine.EndBurst(burst, _now, _released);
                    CloseReleased();
                }
                else
                {
                    _released.Clear();
                    _engine.LeaveBurst(_bursts[op.A % _bursts.Count], peer, _now, _released);
                    CloseReleased();
                }
                break;
            case 10:
                Trim();
                break;
            case 11:
                EmergencyTrim(op.B % (Limits.HardCap + 1));
                break;
            case 12:
                if (_allowPrivilegeAndLocks && op.A % 3 == 0) _engine.Lock(peer, _now + op.B * 10, _now);
                _now += op.B * 20;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
        CheckInvariants();
    }

    public void RequestSlot(SubsystemId subsystem, PeerKey peer)
    {
        var usage = _engine.Quotas.UsageOf(subsystem);
        var before = Usages();
        var victimClaims = default(uint);
        var decision = _engine.RequestSlot(subsystem, peer, _now);
        if (decision.HasVictim) victimClaims = _engine.View(decision.Victim, _now)!.SubsystemClaims;
        if (decision.HasVictim && decision.Outcome == SlotOutcome.Borrowed)
            Assert.True(victimClaims == 0, "a borrowing subsystem may evict only a peer no subsystem claims");
        if (decision.HasVictim)
        {
            Assert.True(decision.Outcome == SlotOutcome.Borrowed || usage.Used < usage.Reserved, "only a subsystem below its reservation may reclaim");
            Assert.DoesNotContain(decision.Victim.Value, _privileged);
            CloseAll(decision.Victim);
            foreach (var (id, used, reserved) in before)
            {
                if (id == subsystem) continue;
                Assert.True(_engine.Quotas.UsageOf(id).Used >= Math.Min(used, reserved), "a reclaim took a subsystem below its reservation");
            }
        }
        if (decision.IsGranted && _engine.View(peer, _now) is { Inbound: 0, Outbound: 0 })
        {
            if (_engine.BeginOutbound(peer, Addresses.V4(peer.Value), _now).Admitted)
            {
                _engine.CompleteOutbound(peer, true, _now);
                _connections.Add((peer, ConnectionDirection.Outbound, Addresses.V4(peer.Value)));
            }
            else _engine.ReleaseSlot(subsystem, peer, _now);
        }
        LastSlotDecision = decision;
        LastSlotUsageBefore = usage;
    }

    public SlotDecision LastSlotDecision { get; private set; }

    public QuotaUsage? LastSlotUsageBefore { get; private set; }

    private void Trim()
    {
        var before = Usages();
        int countBefore = _engine.EffectiveConnections;
        int outboundBefore = OutboundConnections();
        _engine.PlanTrim(_now, _plan);
        foreach (var victim in _plan.Victims) Assert.DoesNotContain(victim.Peer.Value, _privileged);
        CloseVictims();
        if (_plan.Victims.Count > 0)
        {
            Assert.True(_engine.Connections >= Limits.LowWater, $"trimmed to {_engine.Connections}, below low water {Limits.LowWater}");
        }
        foreach (var (id, used, reserved) in before)
            Assert.True(_engine.Quotas.UsageOf(id).Used >= Math.Min(used, reserved), "a trim took a subsystem below its reservation");
        Assert.True(OutboundConnections() >= Math.Min(outboundBefore, Limits.OutboundReserve),
            $"a trim took outbound connections from {outboundBefore} to {OutboundConnections()}, below the outbound reserve {Limits.OutboundReserve}");
        Assert.True(_engine.Connections <= Math.Max(countBefore, _engine.Connections));
    }

    // Friends and protected peers have their own reserve: the outbound reserve is about ordinary peers.
    private int OutboundConnections() => _connections.Count(c => c.Direction == ConnectionDirection.Outbound && !_privileged.Contains(c.Peer.Value));

    private void EmergencyTrim(int target)
    {
        _engine.PlanEmergencyTrim(_now, target, _plan);
        foreach (var victim in _plan.Victims) Assert.DoesNotContain(victim.Peer.Value, _privileged);
        CloseVictims();
    }

    private readonly List<PeerKey> _released = new();

    private void CloseReleased()
    {
        foreach (var peer in _released)
        {
            Assert.DoesNotContain(peer.Value, _privileged);
            Assert.True(_engine.View(peer, _now)!.SubsystemClaims == 0, "a burst released a peer a subsystem claims");
            CloseAll(peer);
        }
    }

    private void CloseVictims()
    {
        foreach (var victim in _plan.Victims) CloseAll(victim.Peer);
    }

    private void CloseAll(PeerKey peer)
    {
        foreach (var c in _connections.Where(c => c.Peer == peer).ToList()) Close(c);
    }

    private void Close((PeerKey Peer, ConnectionDirection Direction, RemoteAddress Address) connection)
    {
        _connections.Remove(connection);
        _engine.ConnectionClosed(connection.Peer, connection.Direction, connection.Address, _now);
    }

    private void UpdatePrivilege(int peerId)
    {
        if (_friends.Contains(peerId) || _protected.Contains(peerId)) _privileged.Add(peerId);
        else _privileged.Remove(peerId);
    }

    private List<(SubsystemId Id, int Used, int Reserved)> Usages() =>
        _subsystems.Select(s => _engine.Quotas.UsageOf(s)).Select(u => (u.Id, u.Used, u.Reserved)).ToList();

    private void CheckInvariants()
    {
        Assert.True(_engine.Occupancy <= Limits.HardCap, $"occupancy {_engine.Occupancy} above hard cap {Limits.HardCap}");
        Assert.Equal(_connections.Count, _engine.Connections);
        Assert.Equal(_pendingInbound.Count, _engine.PendingInbound);
        Assert.True(_engine.Inbound + _engine.PendingInbound <= Limits.MaxInbound, "inbound took the outbound reserve");
        int ordinary = _connections.Count(c => !_privileged.Contains(c.Peer.Value)) + _pendingInbound.Count;
        Assert.True(ordinary <= Limits.HardCap - Limits.FriendReserve, $"ordinary peers hold {ordinary} slots, into the friend reserve");
        foreach (var usage in _engine.Quotas.All()) Assert.InRange(usage.Used, 0, usage.Maximum);
    }
}
