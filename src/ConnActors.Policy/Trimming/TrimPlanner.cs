using ConnActors.Policy.Peers;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Trimming;

/// <summary>
/// Chooses the peers a regulation round closes. One pass over the tracked peers builds the candidate
/// list (friends, protected, locked, in-use burst members and peers in grace are left out; grace is
/// bounded by time and by count), scores are read lazily for candidates only, and a partial selection
/// brings the k cheapest to the front, so a round costs O(P + k log k) instead of sorting everyone.
/// Order: peers of finished bursts, then unassigned peers, then claimed peers, lowest score first
/// within each class; a claimed peer is skipped when closing it would take a subsystem below its
/// reservation, and a peer we dialed (other than for a finished burst) is skipped when closing it would
/// take our outbound connections below the outbound reserve: the reserve keeps those slots for the
/// connections the node chose, and trimming them would only invite inbound into their place.
/// </summary>
internal sealed class TrimPlanner
{
    private readonly PeerTable _peers;
    private readonly QuotaTable _quotas;
    private readonly PeerScorer _scorer;
    private readonly TrimSettings _settings;
    private readonly int _graceMaxCount;
    private readonly int _maxClosesPerRound;
    private readonly int _outboundReserve;
    private readonly bool _burstModel;
    private readonly double _classSpan;
    private readonly double _scoreMinimum;
    // Scratch space grows on the first rounds and is then reused; a node that never trims holds none.
    private Candidate[] _candidates = [];
    private GraceEntry[] _inGrace = [];
    private readonly int[] _surplus = new int[QuotaTable.MaxSubsystems];
    // Outbound connections of ordinary peers not being closed, counted by the last candidate pass.
    private int _openOutbound;

    public TrimPlanner(PeerTable peers, QuotaTable quotas, PeerScorer scorer, TrimSettings settings, Limits.ConnectionLimits limits, Engine.V2Features features)
    {
        int hardCap = limits.HardCap;
        _outboundReserve = limits.OutboundReserve;
        _peers = peers;
        _quotas = quotas;
        _scorer = scorer;
        _settings = settings;
        _graceMaxCount = settings.GraceMaxCountFor(hardCap);
        _maxClosesPerRound = features.SmoothedTrims ? settings.MaxClosesPerRoundFor(hardCap) : int.MaxValue;
        _burstModel = features.BurstModel;
        _classSpan = scorer.Settings.Maximum - scorer.Settings.Minimum + 1;
        _scoreMinimum = scorer.Settings.Minimum;
    }

    public int MaxClosesPerRound => _maxClosesPerRound;

    /// <summary>Plans a normal round that brings <paramref name="count"/> down toward <paramref name="target"/>.</summary>
    public void Plan(TrimPlan plan, RegulationTrigger trigger, int count, int target, long nowMs)
    {
        plan.Reset(trigger, count, target);
        int needed = count - target;
        if (needed <= 0) return;
        int budget = Math.Min(needed, _maxClosesPerRound);

        int candidateCount = CollectCandidates(nowMs, emergency: false, out long earliestGraceEndMs);
        plan.CandidatesConsidered = candidateCount;
        for (int i = 0; i < QuotaTable.MaxSubsystems; i++) _surplus[i] = _quotas.SurplusAt(i);
        int closed = Choose(plan, candidateCount, budget, respectReservations: true);

        if (closed < needed)
        {
            bool smoothed = closed >= budget;
            if (smoothed) plan.FollowUpAtMs = nowMs + _settings.FollowUpDelayMs;
            else if (earliestGraceEndMs != long.MaxValue) plan.FollowUpAtMs = Math.Max(nowMs + 1, earliestGraceEndMs);
        }
    }

    /// <summary>Plans an emergency round: everything but friends and protected peers may go, at once.</summary>
    public void PlanEmergency(TrimPlan plan, int count, int target, long nowMs)
    {
        plan.Reset(RegulationTrigger.Emergency, count, target);
        int needed = count - target;
        if (needed <= 0) return;
        int candidateCount = CollectCandidates(nowMs, emergency: true, out _);
        plan.CandidatesConsidered = candidateCount;
        Choose(plan, candidateCount, needed, respectReservations: false);
    }

    /// <summary>The cheapest peer whose every claim is by a subsystem above its reservation (for a reclaim).</summary>
    public PeerKey? ReclaimVictim(long nowMs)
    {
        for (int i = 0; i < QuotaTable.MaxSubsystems; i++) _surplus[i] = _quotas.SurplusAt(i);
        return Cheapest(nowMs, static (planner, c) => planner.ReleasesOnlySurplus(planner._peers.At(c.Slot).SubsystemClaims));
    }

    /// <summary>
    /// The cheapest peer no subsystem claims (a finished burst's or an unassigned one), never one that
    /// would take our dialed peers below the outbound reserve: room for a subsystem when the node is full.
    /// </summary>
    public PeerKey? UnassignedVictim(long nowMs) =>
        Cheapest(nowMs, static (planner, c) => c.Class != 2 && !planner.WouldBreachOutboundReserve(c.Class, planner._peers.At(c.Slot).Outbound));

    // One candidate pass and a minimum: a single victim needs no selection.
    private PeerKey? Cheapest(long nowMs, Func<TrimPlanner, Candidate, bool> eligible)
    {
        int candidateCount = CollectCandidates(nowMs, emergency: false, out _);
        Candidate? best = null;
        for (int i = 0; i < candidateCount; i++)
        {
            var c = _candidates[i];
            if (!eligible(this, c)) continue;
            if (best is null || c.CompareTo(best.Value) < 0) best = c;
        }
        return best is { } b ? new PeerKey(b.Peer) : null;
    }

    private int Choose(TrimPlan plan, int candidateCount, int connectionsToClose, bool respectReservations)
    {
        var candidates = _candidates.AsSpan(0, candidateCount);
        int closed = 0;
        int start = 0;
        // Select in batches: the first batch is the k cheapest; reservations may skip some, then the
        // next batch is selected from the rest. Each batch costs O(remaining + batch log batch).
        while (closed < connectionsToClose && start < candidates.Length)
        {
            var rest = candidates[start..];
            int batch = Math.Min(rest.Length, Math.Max(8, connectionsToClose - closed));
            Selection.SmallestToFront(rest, batch);
            rest[..batch].Sort();
            for (int i = 0; i < batch && closed < connectionsToClose; i++)
            {
                var c = rest[i];
                ref var entry = ref _peers.At(c.Slot);
                // A peer holding several connections is skipped if closing it would undershoot the
                // target (low water): a cheaper-to-close peer further down may fit.
                if (respectReservations && closed + entry.OpenConnections > connectionsToClose) continue;
                if (respectReservations)
                {
                    if (!ReleasesOnlySurplus(entry.SubsystemClaims)) continue;
                    if (WouldBreachOutboundReserve(c.Class, entry.Outbound)) continue;
                    TakeSurplus(entry.SubsystemClaims);
                    _openOutbound -= entry.Outbound;
                }
                var reason = !respectReservations ? TrimReason.Emergency
                    : c.Class == 0 ? TrimReason.FinishedBurst
                    : c.Class == 1 ? TrimReason.Unassigned
                    : TrimReason.LowScore;
                plan.Add(new TrimVictim(new PeerKey(c.Peer), reason, entry.OpenConnections, c.Score));
                closed += entry.OpenConnections;
            }
            start += batch;
        }
        return closed;
    }

    // Our dialed peers (a finished burst's aside) stay at or above the outbound reserve.
    private bool WouldBreachOutboundReserve(byte candidateClass, int outbound) =>
        candidateClass != 0 && outbound > 0 && _openOutbound - outbound < _outboundReserve;

    private bool ReleasesOnlySurplus(uint claims)
    {
        while (claims != 0)
        {
            int s = System.Numerics.BitOperations.TrailingZeroCount(claims);
            claims &= claims - 1;
            if (_surplus[s] < 1) return false;
        }
        return true;
    }

    private void TakeSurplus(uint claims)
    {
        while (claims != 0)
        {
            int s = System.Numerics.BitOperations.TrailingZeroCount(claims);
            claims &= claims - 1;
            _surplus[s]--;
        }
    }

    private int CollectCandidates(long nowMs, bool emergency, out long earliestGraceEndMs)
    {
        var tracked = _peers.Tracked;
        if (_candidates.Length < tracked.Length) _candidates = new Candidate[Math.Max(tracked.Length, _candidates.Length * 2)];
        int count = 0, graceCount = 0;
        _openOutbound = 0;
        earliestGraceEndMs = long.MaxValue;
        for (int slot = 0; slot < tracked.Length; slot++)
        {
            ref var entry = ref tracked[slot];
            // Friends and protected peers have their own reserve and are never trimmed: they do not fill the outbound one.
            if (entry.OpenConnections == 0 || entry.IsPrivileged) continue;
            _openOutbound += entry.Outbound;
            if (!emergency)
            {
                if (entry.LockedUntilMs > nowMs || (_burstModel && entry.ActiveBursts > 0)) continue;
                if (nowMs - entry.ConnectedSinceMs < _settings.GracePeriodMs)
                {
                    if (graceCount == _inGrace.Length) Array.Resize(ref _inGrace, Math.Max(16, _inGrace.Length * 2));
                    _inGrace[graceCount++] = new GraceEntry(entry.ConnectedSinceMs, slot);
                    continue;
                }
            }
            _candidates[count++] = MakeCandidate(slot, in entry, nowMs);
        }

        // Grace is bounded by count: only the newest GraceMaxCount connections keep it, so a flood of
        // new connections cannot make everything untrimmable.
        if (graceCount > _graceMaxCount)
        {
            var graced = _inGrace.AsSpan(0, graceCount);
            int overflow = graceCount - _graceMaxCount;
            Selection.SmallestToFront(graced, overflow);
            foreach (var g in graced[..overflow]) _candidates[count++] = MakeCandidate(g.Slot, in _peers.At(g.Slot), nowMs);
            graced = graced[overflow..];
            graceCount = graced.Length;
            for (int i = 0; i < graced.Length; i++) earliestGraceEndMs = Math.Min(earliestGraceEndMs, graced[i].ConnectedSinceMs + _settings.GracePeriodMs);
        }
        else
        {
            for (int i = 0; i < graceCount; i++) earliestGraceEndMs = Math.Min(earliestGraceEndMs, _inGrace[i].ConnectedSinceMs + _settings.GracePeriodMs);
        }
        return count;
    }

    private Candidate MakeCandidate(int slot, in PeerEntry entry, long nowMs)
    {
        byte cls = entry.SubsystemClaims != 0 ? (byte)2 : _burstModel && entry.FinishedBurst ? (byte)0 : (byte)1;
        double score = _scorer.Score(new PeerKey(entry.Key), in entry, nowMs);
        return new Candidate
        {
            Order = cls * _classSpan + (score - _scoreMinimum),
            Peer = entry.Key,
            Slot = slot,
            Score = score,
            Class = cls,
        };
    }

    private readonly record struct GraceEntry(long ConnectedSinceMs, int Slot) : IComparable<GraceEntry>
    {
        public int CompareTo(GraceEntry other)
        {
            int byTime = ConnectedSinceMs.CompareTo(other.ConnectedSinceMs);
            return byTime != 0 ? byTime : Slot.CompareTo(other.Slot);
        }
    }
}
