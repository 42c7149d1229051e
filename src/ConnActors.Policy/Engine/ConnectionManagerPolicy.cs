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
    private readonly PeerTable _peers = new();
    private readonly SubnetTable _subnets;
    private readonly PenaltyLedger _penalties;
    private readonly PeerScorer _scorer;
    private readonly QuotaTable _quotas;
    private readonly BurstTracker _bursts;
    private readonly ArrivalModel _arrivals;
    private readonly TrimPlanner _planner;
    private readonly Dictionary<(int Peer, int Tag), int> _tags = new();

    private int _inbound, _outbound, _pendingInbound, _pendingOutbound;
    private int _ordinaryInbound, _ordinaryConnections, _ordinaryPendingOutbound;
    private int _closingConnections, _activeBurstConnections;
    private long _followUpAtMs = long.MaxValue;
    private long _work;

    /// <summary>Creates an engine with validated <paramref name="settings"/>.</summary>
    public ConnectionManagerPolicy(PolicySettings settings)
    {
        Settings = settings.Validate();
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
    public PolicySettings Settings { get; }

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

    /// <summary>Peers in the index.</summary>
    public int TrackedPeers => _peers.TrackedCount;

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
            e.ActiveBursts > 0, e.LockedUntilMs > nowMs, e.IsClosing, e.ConnectedSinceMs, _scorer.Score(peer, in e, nowMs));
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

    private static bool IsPrivileged(in PeerEntry entry) => entry.IsFriend || entry.IsProtected;

    // Flags that move a peer between "ordinary" and "privileged" shift its connections between counters.
    private void ShiftPrivilege(in PeerEntry entry, bool wasPrivileged)
    {
        bool isPrivileged = IsPrivileged(in entry);
        if (wasPrivileged == isPrivileged) return;
        int sign = isPrivileged ? -1 : 1;
        _ordinaryInbound += sign * entry.Inbound;
        _ordinaryConnections += sign * entry.Connections;
        _ordinaryPendingOutbound += sign * entry.PendingOutbound;
    }
}

/// <summary>What the engine knows about one peer, for management views and tests.</summary>
public sealed record PeerView(
    PeerKey Peer, int Inbound, int Outbound, bool IsFriend, bool IsProtected, uint SubsystemClaims,
    bool InActiveBurst, bool IsLocked, bool IsClosing, long ConnectedSinceMs, double Score);
