using ConnActors.Policy.Bursts;
using ConnActors.Policy.Quotas;

namespace ConnActors.Policy.Engine;

public sealed partial class ConnectionManagerPolicy
{
    /// <summary>Enrolls a subsystem (see <see cref="QuotaTable.Enroll"/>).</summary>
    public Enrollment Enroll(QuotaRequest request) => _quotas.Enroll(request);

    /// <summary>
    /// A subsystem asks for a slot on <paramref name="peer"/>. A connected peer costs no connection;
    /// otherwise the node must have room, or a victim is named (already marked as closing): for a
    /// subsystem below its reservation, a peer held only by subsystems above theirs (a reclaim); for one
    /// above, an unassigned peer — a subsystem's need outranks a connection no subsystem uses. A granted
    /// slot is claimed at once; when the peer later goes away its claims are released.
    /// </summary>
    public SlotDecision RequestSlot(SubsystemId subsystem, PeerKey peer, long nowMs)
    {
        _work++;
        ref var entry = ref _peers.Get(peer);
        bool known = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry);
        if (known && (entry.SubsystemClaims & subsystem.Bit) != 0) return new SlotDecision(SlotOutcome.Granted);
        bool connected = known && (entry.IsConnected || entry.PendingOutbound > 0);
        bool privileged = known && IsPrivileged(in entry);
        bool room = Occupancy < Limits.HardCap
            && (privileged || OrdinaryOccupancy < OrdinaryCap);
        var outcome = _quotas.Decide(subsystem, needsNewConnection: !connected, roomForNewConnection: room);
        PeerKey? victim = null;
        if (outcome == SlotOutcome.GrantedAfterReclaim)
        {
            victim = _planner.ReclaimVictim(nowMs);
            if (victim is null) return new SlotDecision(SlotOutcome.DeniedNoCapacity);
        }
        else if (outcome == SlotOutcome.DeniedNoCapacity && _planner.UnassignedVictim(nowMs) is { } unassigned)
        {
            outcome = SlotOutcome.Borrowed;
            victim = unassigned;
        }
        if (outcome is SlotOutcome.DeniedAtMaximum or SlotOutcome.DeniedNoCapacity) return new SlotDecision(outcome);
        if (victim is { } v) MarkClosing(v);
        ref var claimed = ref _peers.Track(peer);
        claimed.SubsystemClaims |= subsystem.Bit;
        _quotas.Claim(subsystem);
        return new SlotDecision(outcome, victim ?? default, victim is not null);
    }

    /// <summary>The subsystem no longer needs <paramref name="peer"/>.</summary>
    public void ReleaseSlot(SubsystemId subsystem, PeerKey peer, long nowMs)
    {
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) || (entry.SubsystemClaims & subsystem.Bit) == 0) return;
        entry.SubsystemClaims &= ~subsystem.Bit;
        _quotas.Release(subsystem);
        ReleaseIfGone(peer, ref entry, nowMs);
    }

    /// <summary>Begins a burst (a DHT query): its peers are in use until it ends, then first to prune.</summary>
    public BurstId BeginBurst() => _bursts.Begin();

    /// <summary>Enlists <paramref name="peer"/> in a running burst.</summary>
    public void Enlist(BurstId burst, PeerKey peer)
    {
        if (!_bursts.Enlist(burst, peer)) return;
        ref var entry = ref _peers.Get(peer);
        if (entry.ActiveBursts == 1) _activeBurstConnections += entry.Connections;
    }

    /// <summary>Ends a burst: peers left in no other burst become first to prune.</summary>
    public void EndBurst(BurstId burst, long nowMs) => _bursts.End(burst, nowMs, _onBurstFinished ??= OnBurstFinished);

    private Action<PeerKey, long>? _onBurstFinished;

    private void OnBurstFinished(PeerKey peer, long nowMs)
    {
        ref var entry = ref _peers.Get(peer);
        _activeBurstConnections -= entry.Connections;
        entry.BurstFinishedMs = nowMs;
        if (!entry.IsConnected && entry.PendingOutbound == 0) _peers.Settle(peer, nowMs);
        else RememberLingering(peer, nowMs);
    }

    /// <summary>Bursts still running.</summary>
    public int ActiveBursts => _bursts.ActiveCount;

    /// <summary>Connections held by peers in running bursts.</summary>
    public int ActiveBurstConnections => _activeBurstConnections;
}
