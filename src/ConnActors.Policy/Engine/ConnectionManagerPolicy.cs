using ConnActors.Policy.Admission;
using ConnActors.Policy.Bursts;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Peers;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Engine;

/// <summary>
/// The ConnActors v2 policy engine for one node: admission, quotas, lazy scoring, bursts and trim
/// planning over one compact peer index. Pure: the caller passes time, carries out decisions and
/// reports what happened. Not thread-safe; one owner (the ConnectionManager actor, a simulated node).
/// <para>
/// Occupancy (established + pending handshakes + pending dials) never exceeds the hard cap. Inbound
/// connections never take the outbound reserve; peers that are neither friends nor protected never
/// take the friend reserve.
/// </para>
/// </summary>
public sealed partial class ConnectionManagerPolicy : IConnectionPolicy
{
    private readonly PeerTable _peers;
    private readonly SubnetTable _subnets;
    private readonly PenaltyLedger _penalties;
    private readonly PeerScorer _scorer;
    private readonly QuotaTable _quotas;
    private readonly BurstTracker _bursts;
    private readonly ArrivalModel _arrivals;
    private TrimPlanner _planner;
    private readonly Dictionary<int, List<(int Tag, int Value)>> _tags = new();

    private int _inbound, _outbound, _pendingInbound, _pendingOutbound;
    private int _ordinaryInbound, _ordinaryConnections, _ordinaryPendingOutbound;
    private int _closingConnections, _activeBurstConnections;
    private int _privilegedPeers;
    private long _ignoredReports;
    private long _followUpAtMs = long.MaxValue;
    private long _work;

    /// <summary>Creates an engine with validated <paramref name="settings"/>.</summary>
    public ConnectionManagerPolicy(PolicySettings settings)
    {
        Settings = settings.Validate();
        _peers = new PeerTable(settings.Peers, settings.Peers.MaxRecordsFor(settings.Limits.HardCap)) { Forgetting = OnForgetting };
        _subnets = new SubnetTable(settings.Limits.Subnets);
        _penalties = new PenaltyLedger(settings.Scoring);
        _scorer = new PeerScorer(settings.Scoring, _penalties);
        _quotas = new QuotaTable(settings.Limits.HardCap - settings.Limits.FriendReserve);
        _bursts = new BurstTracker(_peers);
        _arrivals = new ArrivalModel(settings.Bursts);
        _planner = new TrimPlanner(_peers, _quotas, _scorer, settings.Trim, settings.Limits, settings.Features);
    }

    /// <inheritdoc />
    public string Name => "v2";

    /// <summary>The validated settings.</summary>
    public PolicySettings Settings { get; private set; }

    /// <summary>
    /// Takes <paramref name="hardCap"/> as the node's hard cap from now on (its share of a site budget),
    /// every other limit scaled with it (<see cref="ConnectionLimits.ScaledTo"/>) and the subsystems'
    /// budgets resolved again. Connections above the new watermarks are trimmed by the next round to the
    /// new low water at once (each victim with its reason and a bye), like any round: pacing the shrink
    /// would keep the node above its share of the site budget for longer and buys nothing (smoothed rounds
    /// were measured and simplified away); admission holds to the new cap at once. The bound on peer
    /// records stays.
    /// </summary>
    public ConnectionLimits Resize(int hardCap)
    {
        var limits = Settings.Limits.ScaledTo(hardCap);
        if (limits == Settings.Limits) return limits;
        Settings = Settings with { Limits = limits };
        _quotas.Resize(limits.HardCap - limits.FriendReserve);
        _planner = new TrimPlanner(_peers, _quotas, _scorer, Settings.Trim with { GraceMaxCount = Settings.Trim.GraceMaxCount is { } g ? Math.Min(g, limits.HardCap) : null }, limits, Settings.Features);
        return limits;
    }

    private ConnectionLimits Limits => Settings.Limits;

    /// <inheritdoc />
    public int Connections => _inbound + _outbound;

    /// <summary>Established inbound connections.</summary>
    public int Inbound => _inbound;

    /// <summary>Established outbound connections.</summary>
    public int Outbound => _outbound;

    /// <summary>Inbound connections still in their handshake.</summary>
    public int PendingInbound => _pendingInbound;

    /// <summary>Outbound dials in progress.</summary>
    public int PendingOutbound => _pendingOutbound;

    /// <summary>Everything that holds a slot: established, pending handshakes and pending dials.</summary>
    public int Occupancy => _inbound + _outbound + _pendingInbound + _pendingOutbound;

    /// <summary>Connections already chosen by a trim plan and not yet closed.</summary>
    public int Closing => _closingConnections;

    /// <summary>Peers in the index (connected, dialing, privileged, or remembered for a while).</summary>
    public int TrackedPeers => _peers.TrackedCount;

    /// <summary>Friends and protected peers in the index.</summary>
    public int PrivilegedPeers => _privilegedPeers;

    /// <summary>Records dropped at the bound before they expired, and records dropped when they expired.</summary>
    public (long Evicted, long Expired) DroppedRecords => (_peers.Evicted, _peers.Expired);

    /// <summary>
    /// Reports the policy ignored because they named nothing it holds (a close of an unknown connection, a
    /// dial result without a pending dial): on a real network late and duplicate reports are normal.
    /// </summary>
    public long IgnoredReports => _ignoredReports;

    /// <summary>Called with the key of every peer the policy forgets, so that its owner can forget it too.</summary>
    public Action<PeerKey>? PeerForgotten { get; set; }

    /// <summary>Index bytes per tracked peer (for the memory target).</summary>
    public static int IndexBytesPerPeer => PeerTable.BytesPerPeer;

    /// <summary>The subsystem quota table.</summary>
    public QuotaTable Quotas => _quotas;

    /// <summary>The arrival-rate model.</summary>
    public ArrivalModel Arrivals => _arrivals;

    /// <summary>Retained penalties.</summary>
    public PenaltyLedger Penalties => _penalties;

    /// <inheritdoc />
    public long WorkUnits => _work;

    /// <summary>The peer's current score (computed now, lazily).</summary>
    public double ScoreOf(PeerKey peer, long nowMs)
    {
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)) return Math.Clamp(-_penalties.PenaltyOf(peer, nowMs), Settings.Scoring.Minimum, Settings.Scoring.Maximum);
        return _scorer.Score(peer, in entry, nowMs);
    }

    /// <summary>A read-only view of what the engine knows about <paramref name="peer"/>.</summary>
    public PeerView? View(PeerKey peer, long nowMs)
    {
        ref var e = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref e)) return null;
        return new PeerView(peer, e.Inbound, e.Outbound, e.IsFriend, e.IsProtected, e.SubsystemClaims,
            e.ActiveBursts > 0, e.LockedUntilMs > nowMs, e.ClosingConnections, e.ConnectedSinceMs, _scorer.Score(peer, in e, nowMs));
    }

    /// <summary>Every tracked peer (for management views; allocates).</summary>
    public IEnumerable<PeerView> Peers(long nowMs)
    {
        var ids = new List<int>(_peers.TrackedCount);
        foreach (ref var entry in _peers.Tracked) ids.Add(entry.Key);
        foreach (int id in ids)
        {
            if (View(new PeerKey(id), nowMs) is { } view) yield return view;
        }
    }

    private static bool IsPrivileged(in PeerEntry entry) => entry.IsPrivileged;

    // Flags that move a peer between "ordinary" and "privileged" shift its connections between counters.
    private void ShiftPrivilege(in PeerEntry entry, bool wasPrivileged)
    {
        bool isPrivileged = IsPrivileged(in entry);
        if (wasPrivileged == isPrivileged) return;
        _privilegedPeers += isPrivileged ? 1 : -1;
        int sign = isPrivileged ? -1 : 1;
        _ordinaryInbound += sign * entry.Inbound;
        _ordinaryConnections += sign * entry.Connections;
        _ordinaryPendingOutbound += sign * entry.PendingOutbound;
    }

    // A record is dropped: nothing keyed by it may outlive it, or a later record of the same key would inherit it.
    private void OnForgetting(int key)
    {
        var peer = new PeerKey(key);
        ref var entry = ref _peers.Get(peer);
        if (entry.SubsystemClaims != 0) _quotas.ReleaseAll(entry.SubsystemClaims);
        _penalties.Forget(peer);
        _tags.Remove(key);
        PeerForgotten?.Invoke(peer);
    }
}

/// <summary>What the engine knows about one peer, for management views and tests.</summary>
public sealed record PeerView(
    PeerKey Peer, int Inbound, int Outbound, bool IsFriend, bool IsProtected, uint SubsystemClaims,
    bool InActiveBurst, bool IsLocked, int ClosingConnections, long ConnectedSinceMs, double Score)
{
    /// <summary>True when a trim or reclaim chose every connection of the peer to close.</summary>
    public bool IsClosing => ClosingConnections > 0 && ClosingConnections >= Inbound + Outbound;
}
