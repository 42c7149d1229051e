using ConnActors.Actors.Bye;
using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Policy;
using ConnActors.Policy.Fleet;
using ConnActors.Policy.Scoring;
using ConnActors.Policy.Trimming;
using PolicyDirection = ConnActors.Policy.Admission.ConnectionDirection;

namespace ConnActors.Actors.Ledger;

// The ledger as one member of a fleet: its share of a site budget, handoffs of trimmed peers, fleet
// deduplication and penalties shared with the others. Decisions are the policy's (Policy/Fleet).
internal sealed partial class ConnectionLedger
{
    private FleetView _fleet = FleetView.Empty;
    private bool _handoff;
    private bool _dedup;
    private bool _suspended;
    private long _capacityRefusalsReported;
    private ShareLeaseTimings? _lease; // null: no site budget, the share is not leased
    private int _grant;
    private long _leaseFromMs = long.MinValue / 4;
    private int _inForce = -1;

    /// <summary>The hard cap in force: the node's own, its share of a site budget, or 0 while it has no share.</summary>
    public int HardCap => _suspended ? 0 : _policy.Settings.Limits.HardCap;

    /// <summary>The hard cap the node's own configuration gives it (the most it asks of a site).</summary>
    public int OwnHardCap => _settings.Policy.Limits.HardCap;

    /// <summary>Turns the fleet behaviours on (from <c>connactors.cluster.handoff</c> and <c>dedup</c>).</summary>
    public void JoinFleet(bool handoff, bool dedup)
    {
        _handoff = handoff;
        _dedup = dedup;
    }

    /// <summary>The share granted by the site allocator (what the lease, while valid, lets this member use).</summary>
    public int Grant => _grant;

    /// <summary>This member's clock reading of the request its lease was last renewed for (docs/cluster.md).</summary>
    public long LeaseFromMs => _leaseFromMs;

    /// <summary>The lease timings, or null when the share is not leased (no site budget).</summary>
    public ShareLeaseTimings? LeaseTimings => _lease;

    /// <summary>The floor the share falls to once its lease lapses, until the floor's own lease lapses.</summary>
    public int LeaseFloor => _settings.Cluster.Floor;

    /// <summary>From now on the share is a lease with these <paramref name="timings"/> (a member of a site with a budget).</summary>
    public void LeaseShare(ShareLeaseTimings timings) => _lease = timings;

    /// <summary>
    /// Takes <paramref name="cap"/> as the share the site allocator grants this member. Without a lease it is in
    /// force at once; with one, only while the lease is valid (<see cref="ApplyLease"/>). Returns the grant.
    /// </summary>
    public int SetShare(int cap, long nowMs)
    {
        _grant = Math.Max(0, cap);
        if (_lease is null) Apply(_grant, nowMs);
        else ApplyLease(nowMs);
        return _grant;
    }

    /// <summary>The allocator answered this member's lease request of <paramref name="requestedAtMs"/>, still reserving it <paramref name="bound"/>.</summary>
    public void RenewLease(long requestedAtMs, int bound, long nowMs)
    {
        _leaseFromMs = ShareLease.Renewed(_leaseFromMs, requestedAtMs);
        _grant = ShareLease.Bounded(_grant, bound);
        ApplyLease(nowMs);
    }

    /// <summary>
    /// Puts the cap the lease allows now in force (<see cref="ShareLease.EffectiveCap"/>). Called where admission is
    /// decided and at every regulation, so a lapsed lease is refused at the next admission however late the actors run.
    /// </summary>
    public void ApplyLease(long nowMs)
    {
        if (_lease is null) return;
        int effective = ShareLease.EffectiveCap(_grant, _settings.Cluster.Floor, _leaseFromMs, nowMs, _lease);
        if (effective != _inForce) Apply(effective, nowMs);
    }

    // Below the smallest workable cap the node holds no share and admits nothing (it keeps only friends and
    // protected peers); otherwise the policy's limits are scaled to the cap.
    private void Apply(int cap, long nowMs)
    {
        _inForce = cap;
        CountRouterEntries();
        _suspended = cap < SiteAllocation.MinimumCap;
        if (_suspended) EmergencyTrimTo(0, nowMs);
        else
        {
            _policy.Resize(cap);
            Regulate(nowMs, 0);
        }
    }

    /// <summary>
    /// Takes the fleet's latest view, and steers the inbound duplicates it reveals: a peer that connected here
    /// before this member learnt that another keeps it (the view lags by a load interval, and a peer may reach
    /// two members at once) is steered as it would have been on arrival.
    /// </summary>
    public void SetFleetView(FleetView view, long nowMs)
    {
        _fleet = view;
        if (!_dedup || view.HeldElsewhere.Count == 0) return;
        // Collected first: steering marks records closing while the table is being read.
        List<(PeerKey Key, PeerId Peer)>? duplicates = null;
        foreach (var record in _connections.All)
        {
            if (record is { Stage: ConnectionStage.Live, Direction: PolicyDirection.Inbound, Closing: false, Peer: { } peer } && view.HeldElsewhere.ContainsKey(peer))
                (duplicates ??= []).Add((record.Key, peer));
        }
        if (duplicates is null) return;
        foreach (var (key, peer) in duplicates.DistinctBy(d => d.Key)) SteerDuplicate(key, peer, nowMs);
    }

    /// <summary>A penalty another member recorded; honoured here when it weighs more than the peer's own.</summary>
    public void MergeSharedPenalty(PeerId peer, double value, long lastUpdateMs, long retainUntilMs, long nowMs)
    {
        var key = _peers.KeyFor(peer);
        _policy.MergePenalty(new RetainedPenalty(key, value, lastUpdateMs, retainUntilMs), nowMs);
        ReleaseIfForgotten(key);
    }

    /// <summary>Every penalty still retained, by peer (to share with the fleet when this member joins it).</summary>
    public IEnumerable<(PeerId Peer, RetainedPenalty Penalty)> RetainedPenalties(long nowMs)
    {
        foreach (var penalty in _policy.Penalties.Snapshot(nowMs))
        {
            if (_peers.TryGetPeer(penalty.Peer, out var peer)) yield return (peer, penalty);
        }
    }

    /// <summary>What this member tells the fleet about its load.</summary>
    public FleetLoadSample Load(int maxHeldPeers, long nowMs)
    {
        ApplyLease(nowMs);
        var policy = _policy;
        long refusals = _counters.CapacityRefusals - _capacityRefusalsReported;
        _capacityRefusalsReported = _counters.CapacityRefusals;
        var limits = policy.Settings.Limits;
        int demand = SiteDemand.Of(policy.Occupancy, HardCap, limits.HighWater, OwnHardCap, refusals);
        var held = new List<string>();
        foreach (var record in _connections.All)
        {
            if (held.Count >= maxHeldPeers) break;
            if (record.Stage == ConnectionStage.Live && record.Peer is { } peer) held.Add(peer.ToString());
        }
        return new FleetLoadSample(HardCap, OwnHardCap, demand, policy.Connections, policy.Inbound, policy.Outbound,
            policy.PendingInbound + policy.PendingOutbound, _friends.Count, limits.HighWater, held.Distinct().ToList(), policy.Quotas.WithFreeSlots(),
            RouterEntries(nowMs) ?? 0, limits.LowWater) { Grant = _lease is null ? HardCap : _grant };
    }

    // A dial for discovery (a bye's alternatives) is not made to a peer another member holds.
    private bool HeldElsewhere(PeerId peer, byte priority) =>
        _dedup && priority <= (byte)Manager.DialPriority.Background && _fleet.HeldElsewhere.ContainsKey(peer);

    // An inbound duplicate of a peer another member keeps is steered there with a bye, unless it is
    // privileged here or a subsystem here claims it.
    private void SteerDuplicate(PeerKey key, PeerId peer, long nowMs)
    {
        if (!_dedup || !_fleet.HeldElsewhere.TryGetValue(peer, out var holder)) return;
        if (_policy.View(key, nowMs) is not { IsFriend: false, IsProtected: false, SubsystemClaims: 0 }) return;
        _counters.Refused("FleetDuplicate");
        Close(key, TrimReason.Unassigned, ByeReason.Handoff, [holder], nowMs);
    }

    // The member a trimmed peer is handed to (the policy's HandoffChoice): none when another member holds the peer;
    // else one with room below its low water, and with a free slot in a subsystem the peer was held for here. Its
    // room is counted down for the next victims of the same trim.
    private FleetTarget? HandoffTarget(PeerKey victim, int connections, bool heldByAnotherMember, long nowMs)
    {
        if (_fleet.Targets.Count == 0) return null;
        var subsystems = _policy.View(victim, nowMs) is { SubsystemClaims: var claims } ? _policy.Quotas.NamesIn(claims) : [];
        var chosen = HandoffChoice.Pick(_fleet.Targets.Select(t => new HandoffCandidate(t.Member, t.Headroom, t.OpenSubsystems)).ToList(), subsystems, connections, heldByAnotherMember);
        if (chosen is null) return null;
        var best = _fleet.Targets.First(t => t.Member == chosen.Member);
        _fleet = _fleet with { Targets = _fleet.Targets.Select(t => t == best ? t with { Headroom = t.Headroom - connections } : t).ToList() };
        return best;
    }

    private void EmergencyTrimTo(int target, long nowMs)
    {
        _policy.PlanEmergencyTrim(nowMs, target, _plan);
        CarryOut(ByeReason.Refused, emergency: true, nowMs);
    }
}

/// <summary>A member's load as it reports it to the fleet.</summary>
internal sealed record FleetLoadSample(
    int HardCap, int MaxCap, int Demand, int Connections, int Inbound, int Outbound, int Pending, int Friends, int HighWater,
    IReadOnlyList<string> HeldPeers, IReadOnlyList<string> OpenSubsystems, int RouterEntries, int LowWater)
{
    /// <summary>The share granted (in force while its lease is valid).</summary>
    public int Grant { get; init; } = HardCap;
}
