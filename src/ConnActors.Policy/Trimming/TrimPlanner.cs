using ConnActors.Policy.Peers;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Trimming;

/// <summary>
/// Chooses the peers a regulation round closes. One pass over the tracked peers builds the candidate
/// list (friends, protected, locked, in-use burst members and peers in grace are left out; grace is
/// bounded by time and by count) with each candidate's score bounded, not evaluated: the cheap part of
/// a score is computed, its usefulness terms come from <see cref="ScoreCache"/> as an interval. The k-th
/// lowest upper bound is a threshold no candidate whose lower bound lies above it can get under, so only
/// the candidates that can be among the k cheapest are scored exactly, and a partial selection brings
/// the k cheapest to the front: a round costs one pass plus O(k log k) plus the exact scores near the
/// threshold, instead of a score per peer or a sort of everyone. The result is the same as scoring
/// everyone (a test compares them).
/// Order: unassigned peers, then claimed peers, lowest score first within each class (a finished burst's
/// peers are ordinary candidates: the ones it opened and nothing else uses are released when it ends,
/// see <see cref="Engine.ConnectionManagerPolicy.EndBurst(Bursts.BurstId, long, ICollection{PeerKey})"/>);
/// a claimed peer is skipped when closing it would take a subsystem below its reservation, and a peer we
/// dialed is skipped when closing it would take our outbound connections below the outbound reserve: the
/// reserve keeps those slots for the connections the node chose, and trimming them would only invite
/// inbound into their place.
/// </summary>
internal sealed class TrimPlanner
{
    private const byte Unassigned = 0, Claimed = 1;
    private const int HistogramBuckets = TrimScratch.HistogramBuckets;
    private readonly PeerTable _peers;
    private readonly QuotaTable _quotas;
    private readonly PeerScorer _scorer;
    private readonly ScoreCache _cache;
    private readonly TrimSettings _settings;
    private readonly int _graceMaxCount;
    private readonly int _outboundReserve;
    private readonly bool _burstModel;
    private readonly double _classSpan;
    // The scratch space of the round in progress (one per thread, shared by every planner on it).
    private TrimScratch _s = null!;
    private readonly int[] _surplus = new int[QuotaTable.MaxSubsystems];
    // Outbound connections of ordinary peers not being closed, counted by the last candidate pass.
    private int _openOutbound;
    private long _nowMs;
    // The last round's threshold: a candidate whose lower bound is below it is scored during the pass,
    // while its entry is at hand (most of those the threshold keeps), not in a second visit.
    private double _expectedThreshold = double.MaxValue;

    public TrimPlanner(PeerTable peers, QuotaTable quotas, PeerScorer scorer, TrimSettings settings, Limits.ConnectionLimits limits, Engine.V2Features features)
    {
        int hardCap = limits.HardCap;
        _outboundReserve = limits.OutboundReserve;
        _peers = peers;
        _quotas = quotas;
        _scorer = scorer;
        _cache = new ScoreCache(scorer);
        _settings = settings;
        _graceMaxCount = settings.GraceMaxCountFor(hardCap);
        _burstModel = features.BurstModel;
        _classSpan = scorer.Maximum - scorer.Minimum + 1;
    }

    /// <summary>Candidates whose exact score the last round (or victim search) evaluated.</summary>
    public int ExactScores { get; private set; }

    /// <summary>
    /// Plans a normal round that brings <paramref name="count"/> down to <paramref name="target"/> in one
    /// round: the partial selection looks for all <c>count - target</c> connections at once. Rounds were
    /// once smoothed (at most 5% of the hard cap each, follow-ups 1 s apart); the simulator measured that
    /// this trimmed about twice as often for no gain in useful-peer trims or lookups (docs/simulator.md,
    /// the ablations), so it was simplified away. A round falls short only when grace (or a reservation,
    /// the outbound reserve, the claimed floor) spares the peers it would need; a follow-up is scheduled
    /// when the earliest grace ends. Each victim's connections are marked closing in its entry; the caller
    /// adds <see cref="TrimPlan.ConnectionsClosed"/> to its count of closing connections.
    /// </summary>
    public void Plan(TrimPlan plan, RegulationTrigger trigger, int count, int target, long nowMs, int claimedFloor = 0)
    {
        plan.Reset(trigger, count, target);
        int needed = count - target;
        if (needed <= 0) return;

        int candidateCount = CollectCandidates(nowMs, emergency: false, out long earliestGraceEndMs);
        plan.CandidatesConsidered = candidateCount;
        for (int i = 0; i < QuotaTable.MaxSubsystems; i++) _surplus[i] = _quotas.SurplusAt(i);
        int closed = Choose(plan, candidateCount, needed, respectReservations: true, claimedBudget: Math.Max(0, count - Math.Max(target, claimedFloor)));

        if (closed < needed && earliestGraceEndMs != long.MaxValue) plan.FollowUpAtMs = Math.Max(nowMs + 1, earliestGraceEndMs);
    }

    /// <summary>
    /// Plans an emergency round: everything but friends and protected peers may go, at once. Like
    /// <see cref="Plan"/>, it marks each victim's connections closing in its entry.
    /// </summary>
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
    /// The cheapest peer no subsystem claims, never one that would take our dialed peers below the
    /// outbound reserve: room for a subsystem when the node is full.
    /// </summary>
    public PeerKey? UnassignedVictim(long nowMs) =>
        Cheapest(nowMs, static (planner, c) => c.Class == Unassigned && !planner.WouldBreachOutboundReserve(planner._peers.At(c.Slot).Outbound));

    // One candidate pass and a minimum: the lowest upper bound among the eligible is the threshold, and
    // only the eligible whose lower bound reaches down to it are scored.
    private PeerKey? Cheapest(long nowMs, Func<TrimPlanner, Candidate, bool> eligible)
    {
        int candidateCount = CollectCandidates(nowMs, emergency: false, out _);
        double threshold = double.MaxValue;
        for (int i = 0; i < candidateCount; i++)
        {
            if (_s.Highs[i] < threshold && eligible(this, Bounded(i))) threshold = _s.Highs[i];
        }
        Candidate? best = null;
        for (int i = 0; i < candidateCount; i++)
        {
            if (_s.Lows[i] > threshold) continue;
            var c = Bounded(i);
            if (!eligible(this, c)) continue;
            MakeExact(ref c);
            if (best is null || c.CompareTo(best.Value) < 0) best = c;
        }
        return best is { } b ? new PeerKey(b.Peer) : null;
    }

    // claimedBudget: at most this many connections of claimed peers (the rest of the round may take only unassigned ones).
    private int Choose(TrimPlan plan, int candidateCount, int connectionsToClose, bool respectReservations, int claimedBudget = int.MaxValue)
    {
        int closed = 0, closedClaimed = 0;
        int start = 0;
        // The first batch is the k cheapest, found among the candidates their bounds cannot rule out;
        // reservations may skip some, then (rarely) every other candidate is scored and the next batch
        // selected from the rest. Each batch costs O(remaining + batch log batch).
        int built = BuildThoseThatCanBeCheapest(candidateCount, Math.Min(candidateCount, Math.Max(8, connectionsToClose)));
        while (closed < connectionsToClose && start < candidateCount)
        {
            if (start > 0 && built < candidateCount) built = BuildTheRest(candidateCount, built);
            // Selected and sorted by their 16-byte ranks, not the candidates themselves (56 bytes each).
            var rest = _s.Ranks.AsSpan(start, built - start);
            int batch = Math.Min(rest.Length, Math.Max(8, connectionsToClose - closed));
            Selection.SmallestToFront(rest, batch);
            rest[..batch].Sort();
            for (int i = 0; i < batch && closed < connectionsToClose; i++)
            {
                ref readonly var c = ref _s.Candidates[rest[i].Index];
                ref var entry = ref _peers.At(c.Slot);
                // A peer holding several connections is skipped if closing it would undershoot the
                // target (low water): a cheaper-to-close peer further down may fit.
                if (respectReservations && closed + entry.OpenConnections > connectionsToClose) continue;
                if (c.Class == Claimed && closedClaimed + entry.OpenConnections > claimedBudget) continue;
                if (respectReservations)
                {
                    if (!ReleasesOnlySurplus(entry.SubsystemClaims)) continue;
                    if (WouldBreachOutboundReserve(entry.Outbound)) continue;
                    TakeSurplus(entry.SubsystemClaims);
                    _openOutbound -= entry.Outbound;
                }
                var reason = !respectReservations ? TrimReason.Emergency
                    : c.Class == Unassigned ? TrimReason.Unassigned
                    : TrimReason.LowScore;
                plan.Add(new TrimVictim(new PeerKey(c.Peer), reason, entry.OpenConnections, c.Score));
                closed += entry.OpenConnections;
                if (c.Class == Claimed) closedClaimed += entry.OpenConnections;
                // Marked closing here, while the entry is at hand (the engine adds the plan's connections
                // to its closing count): a lookup by key per victim afterwards cost a tenth of a 100k round.
                entry.ClosingConnections = entry.Connections;
            }
            start += batch;
        }
        return closed;
    }

    /// <summary>
    /// Builds and scores the candidates that can be among the <paramref name="k"/> cheapest; returns how
    /// many. At least k candidates have an order at most any threshold at or above the k-th lowest upper
    /// bound, so a candidate whose lower bound exceeds it cannot be among them. A built candidate's slot
    /// entry is set to -1 so that <see cref="BuildTheRest"/> skips it.
    /// </summary>
    private int BuildThoseThatCanBeCheapest(int count, int k)
    {
        double threshold = k < count ? KthLowestHighAtMost(count, k) : double.MaxValue;
        _expectedThreshold = threshold;
        int built = 0;
        for (int i = 0; i < count; i++)
        {
            if (_s.Lows[i] > threshold) continue;
            Build(i, built++);
        }
        return built;
    }

    // A threshold at least the k-th lowest upper bound: a histogram of the upper bounds finds the bucket
    // holding the k-th, and the threshold is the highest upper bound up to that bucket (two linear passes).
    private double KthLowestHighAtMost(int count, int k)
    {
        double scale = HistogramBuckets / (2 * _classSpan);
        if (count <= FewCandidates) return KthLowestHighAtMostFew(count, k, scale);
        Array.Clear(_s.Histogram);
        for (int i = 0; i < count; i++) _s.Histogram[Bucket(_s.Highs[i], scale)]++;
        int bucket = 0;
        for (int seen = 0; bucket < HistogramBuckets; bucket++)
        {
            seen += _s.Histogram[bucket];
            if (seen >= k) break;
        }
        double threshold = double.MinValue;
        for (int i = 0; i < count; i++)
        {
            if (Bucket(_s.Highs[i], scale) <= bucket) threshold = Math.Max(threshold, _s.Highs[i]);
        }
        return threshold;
    }

    // Up to this many candidates, sorting their buckets is cheaper than clearing and scanning the histogram.
    private const int FewCandidates = 512;

    // The same threshold as the histogram's: the k-th lowest bucket is the one where the histogram's running
    // count first reaches k.
    private double KthLowestHighAtMostFew(int count, int k, double scale)
    {
        Span<int> buckets = stackalloc int[count];
        for (int i = 0; i < count; i++) buckets[i] = Bucket(_s.Highs[i], scale);
        buckets.Sort();
        int bucket = k <= 0 ? 0 : buckets[k - 1];
        double threshold = double.MinValue;
        for (int i = 0; i < count; i++)
        {
            if (Bucket(_s.Highs[i], scale) <= bucket) threshold = Math.Max(threshold, _s.Highs[i]);
        }
        return threshold;
    }

    private static int Bucket(double order, double scale) => Math.Clamp((int)(order * scale), 0, HistogramBuckets - 1);

    // Scores every candidate not built yet, after the ones that are.
    private int BuildTheRest(int count, int built)
    {
        for (int i = 0; i < count; i++)
        {
            if (_s.Slots[i] >= 0) Build(i, built++);
        }
        return built;
    }

    private void Build(int i, int at)
    {
        var c = Bounded(i);
        MakeExact(ref c);
        _s.Candidates[at] = c;
        _s.Ranks[at] = new CandidateRank(c.Order, c.Peer, at);
        _s.Slots[i] = -1;
    }

    // Our dialed peers stay at or above the outbound reserve.
    private bool WouldBreachOutboundReserve(int outbound) => outbound > 0 && _openOutbound - outbound < _outboundReserve;

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
        _nowMs = nowMs;
        ExactScores = 0;
        var tracked = _peers.Tracked;
        _s = TrimScratch.Reserve(tracked.Length);
        _cache.BeginRound(nowMs, tracked.Length);
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
                    if (graceCount == _s.InGrace.Length) _s.GrowGrace();
                    _s.InGrace[graceCount++] = new GraceEntry(entry.ConnectedSinceMs, slot);
                    continue;
                }
            }
            Bound(count++, slot, in entry, nowMs);
        }

        // Grace is bounded by count: only the newest GraceMaxCount connections keep it, so a flood of
        // new connections cannot make everything untrimmable.
        if (graceCount > _graceMaxCount)
        {
            var graced = _s.InGrace.AsSpan(0, graceCount);
            int overflow = graceCount - _graceMaxCount;
            Selection.SmallestToFront(graced, overflow);
            foreach (var g in graced[..overflow]) Bound(count++, g.Slot, in _peers.At(g.Slot), nowMs);
            graced = graced[overflow..];
            graceCount = graced.Length;
            for (int i = 0; i < graced.Length; i++) earliestGraceEndMs = Math.Min(earliestGraceEndMs, graced[i].ConnectedSinceMs + _settings.GracePeriodMs);
        }
        else
        {
            for (int i = 0; i < graceCount; i++) earliestGraceEndMs = Math.Min(earliestGraceEndMs, _s.InGrace[i].ConnectedSinceMs + _settings.GracePeriodMs);
        }
        return count;
    }

    // Candidate i's order: bounded from the score cache when its entry holds, else evaluated (and cached).
    private void Bound(int i, int slot, in PeerEntry entry, long nowMs)
    {
        byte cls = entry.SubsystemClaims != 0 ? Claimed : Unassigned;
        double statics = _scorer.Static(new PeerKey(entry.Key), in entry, nowMs);
        _s.Slots[i] = slot;
        _s.Keys[i] = entry.Key;
        _s.Classes[i] = cls;
        _s.Statics[i] = statics;
        if (_cache.TryBound(slot, in entry, out double low, out double high))
        {
            double lowOrder = OrderOf(cls, _scorer.Clamp(statics + low));
            if (lowOrder > _expectedThreshold)
            {
                _s.Usefulness[i] = double.NaN;
                _s.Lows[i] = lowOrder;
                _s.Highs[i] = OrderOf(cls, _scorer.Clamp(statics + high));
                return;
            }
        }
        double usefulness = _cache.Evaluate(slot, in entry);
        ExactScores++;
        _s.Usefulness[i] = usefulness;
        _s.Lows[i] = _s.Highs[i] = OrderOf(cls, _scorer.Clamp(statics + usefulness));
    }

    // The full candidate i of the last pass; its order is NaN until evaluated.
    private Candidate Bounded(int i)
    {
        var c = new Candidate
        {
            Peer = _s.Keys[i],
            Slot = _s.Slots[i],
            Class = _s.Classes[i],
            Static = _s.Statics[i],
            Low = _s.Lows[i],
            High = _s.Highs[i],
            Order = double.NaN,
        };
        if (!double.IsNaN(_s.Usefulness[i])) Complete(ref c, _s.Usefulness[i]);
        return c;
    }

    private void MakeExact(ref Candidate c)
    {
        if (c.IsExact) return;
        Complete(ref c, _cache.Evaluate(c.Slot, in _peers.At(c.Slot)));
        ExactScores++;
    }

    private void Complete(ref Candidate c, double usefulness)
    {
        c.Score = _scorer.Clamp(c.Static + usefulness);
        c.Order = c.Low = c.High = OrderOf(c.Class, c.Score);
    }

    private double OrderOf(byte cls, double score) => cls * _classSpan + (score - _scorer.Minimum);
}
