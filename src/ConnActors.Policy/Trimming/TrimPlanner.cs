using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using ConnActors.Policy.Peers;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Trimming;

/// <summary>
/// Chooses the peers a regulation round closes. One pass over the tracked peers builds the candidate
/// list (friends, protected, locked, in-use burst members and peers in grace are left out; grace is
/// bounded by time and by count) and scores every candidate (a score costs two vector exponentials, see
/// <see cref="UsefulnessTerms"/>). A histogram of the orders gives a threshold at or above the k-th lowest,
/// and only the candidates at or under it are ranked and sorted (<see cref="RankSort"/>): a round costs one
/// pass plus about O(k) for the sort, instead of a sort of everyone. The pass itself ranks the candidates under the
/// last round's k-th bucket as it scores them, which in a steady run of rounds is all the ranking needs. Tests compare
/// the victims with those of a plain full sort.
/// Order: unassigned peers, then claimed peers, lowest score first within each class (a finished burst's
/// peers are ordinary candidates: the ones it opened and nothing else uses are released when it ends,
/// see <see cref="Engine.ConnectionManagerPolicy.EndBurst(Bursts.BurstId, long, ICollection{PeerKey})"/>);
/// a claimed peer is skipped when closing it would take a subsystem below its reservation, and a peer we
/// dialed is skipped when closing it would take our outbound connections below the outbound reserve: the
/// reserve keeps those slots for the connections the node chose, and trimming them would only invite
/// inbound into their place.
/// </summary>
internal sealed partial class TrimPlanner
{
    private const int HistogramBuckets = TrimScratch.HistogramBuckets;
    private readonly PeerTable _peers;
    private readonly QuotaTable _quotas;
    private readonly PeerScorer _scorer;
    private readonly TrimSettings _settings;
    private readonly int _graceMaxCount;
    private readonly int _outboundReserve;
    private readonly bool _burstModel;
    private readonly double _classSpan;
    // Orders span [0, 2·class span): the histogram's buckets divide that range evenly.
    private readonly double _bucketScale;
    private bool _histogramKept;
    // The bucket of the k-th lowest order in the last round with a histogram (-1 before one). The pass ranks the
    // candidates at or under it as it scores them; when it is at or above this round's, those are all the ranking
    // needs, so a steady run of rounds does not read every candidate's order a second time (a tenth of a 100k round).
    private int _guessedBucket = -1;
    // Candidates the pass ranked under the guess.
    private int _guessed;
    // The scratch space of the round in progress (one per thread, shared by every planner on it).
    private TrimScratch _s = null!;
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
        _burstModel = features.BurstModel;
        _classSpan = scorer.Maximum - scorer.Minimum + 1;
        _bucketScale = HistogramBuckets / (2 * _classSpan);
    }

    /// <summary>
    /// Plans a normal round that brings <paramref name="count"/> down to <paramref name="target"/> in one
    /// round: it ranks the cheapest candidates for all <c>count - target</c> connections at once. Rounds were
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

    // claimedBudget: at most this many connections of claimed peers (the rest of the round may take only unassigned ones).
    private int Choose(TrimPlan plan, int candidateCount, int connectionsToClose, bool respectReservations, int claimedBudget = int.MaxValue)
    {
        int closed = 0, closedClaimed = 0;
        // The candidates at or under a threshold at least the k-th lowest order, in order; reservations may skip
        // some, then (rarely) the rest are ranked after them.
        double threshold = RankCheapest(candidateCount, Math.Min(candidateCount, Math.Max(8, connectionsToClose)), out int ranked);
        for (int at = 0; closed < connectionsToClose; at++)
        {
            if (at == ranked)
            {
                if (ranked == candidateCount) break;
                ranked = RankAbove(candidateCount, threshold, ranked);
            }
            PrefetchAhead(at, ranked);
            var (_, key, i) = _s.Ranks[at];
            // The pass's copy of what the checks and the plan need: one read per victim, and its entry is not read at all.
            ref readonly var facts = ref _s.Facts[i];
            bool claimed = facts.Claims != 0;
            // A peer holding several connections is skipped if closing it would undershoot the
            // target (low water): a cheaper-to-close peer further down may fit.
            if (respectReservations && closed + facts.Open > connectionsToClose) continue;
            if (claimed && closedClaimed + facts.Open > claimedBudget) continue;
            if (respectReservations)
            {
                if (!ReleasesOnlySurplus(facts.Claims)) continue;
                if (WouldBreachOutboundReserve(facts.Outbound)) continue;
                TakeSurplus(facts.Claims);
                _openOutbound -= facts.Outbound;
            }
            var reason = !respectReservations ? TrimReason.Emergency
                : claimed ? TrimReason.LowScore
                : TrimReason.Unassigned;
            plan.Add(new TrimVictim(new PeerKey(key), reason, facts.Open, facts.Score));
            closed += facts.Open;
            if (claimed) closedClaimed += facts.Open;
            // Marked closing here (the engine adds the plan's connections to its closing count): a lookup by key per
            // victim afterwards cost a tenth of a 100k round.
            _peers.At(facts.Slot).ClosingConnections = facts.Connections;
        }
        return closed;
    }

    // The ranks are in order of score, so the victims' facts and entries are scattered: their cache misses are started
    // ahead, the facts 32 ranks ahead and the entry (its slot read from facts fetched by then) 16 ahead. Without it, Choose
    // waited on one miss after another (about a quarter of its time at 100k peers).
    private unsafe void PrefetchAhead(int at, int ranked)
    {
        if (!Sse.IsSupported) return;
        if (at + FactsAhead < ranked) Sse.Prefetch0(Unsafe.AsPointer(ref _s.Facts[_s.Ranks[at + FactsAhead].Index]));
        if (at + EntryAhead < ranked) Sse.Prefetch0(Unsafe.AsPointer(ref _peers.At(_s.Facts[_s.Ranks[at + EntryAhead].Index].Slot)));
    }

    private const int FactsAhead = 32, EntryAhead = 16;

    /// <summary>
    /// Ranks, in order, the candidates whose histogram bucket is at most the one holding the k-th lowest order (at
    /// least <paramref name="k"/> of them); returns the highest order ranked: every candidate at or under it is ranked.
    /// </summary>
    private double RankCheapest(int count, int k, out int ranked)
    {
        ranked = 0;
        if (k >= count)
        {
            for (int i = 0; i < count; i++) _s.Ranks[ranked++] = new CandidateRank(_s.Orders[i], _s.Keys[i], i);
            RankSort.Sort(_s.Ranks.AsSpan(0, ranked), _s);
            return double.MaxValue;
        }
        int last = KthLowestBucket(count, k);
        ranked = _histogramKept && _guessedBucket >= last ? KeepGuessedUpTo(last) : GatherUpTo(count, last);
        if (_histogramKept) _guessedBucket = last;
        RankSort.Sort(_s.Ranks.AsSpan(0, ranked), _s);
        return _s.Ranks[ranked - 1].Order;
    }

    // The candidates the pass ranked under its guess, those above the k-th lowest bucket dropped (none when the guess was it).
    private int KeepGuessedUpTo(int last)
    {
        if (_guessedBucket == last) return _guessed;
        int kept = 0;
        for (int j = 0; j < _guessed; j++)
        {
            var rank = _s.Ranks[j];
            _s.Ranks[kept] = rank;
            kept += Bucket(rank.Order) <= last ? 1 : 0;
        }
        return kept;
    }

    // The candidates at or under the bucket, from the pass's orders; written for every candidate and kept by moving the
    // count on, so no branch (a candidate in four) is mispredicted.
    private int GatherUpTo(int count, int last)
    {
        int ranked = 0;
        for (int i = 0; i < count; i++)
        {
            double order = _s.Orders[i];
            _s.Ranks[ranked] = new CandidateRank(order, _s.Keys[i], i);
            ranked += Bucket(order) <= last ? 1 : 0;
        }
        return ranked;
    }

    // Ranks the candidates above the threshold after the ones that are ranked.
    private int RankAbove(int count, double threshold, int ranked)
    {
        int first = ranked;
        for (int i = 0; i < count; i++)
        {
            if (_s.Orders[i] > threshold) _s.Ranks[ranked++] = new CandidateRank(_s.Orders[i], _s.Keys[i], i);
        }
        RankSort.Sort(_s.Ranks.AsSpan(first, ranked - first), _s);
        return ranked;
    }

    // The histogram bucket holding the k-th lowest order: the pass counted the orders per bucket, unless there were
    // few candidates, whose buckets are sorted instead (cheaper than clearing and scanning the histogram).
    private int KthLowestBucket(int count, int k)
    {
        if (!_histogramKept)
        {
            Span<int> buckets = stackalloc int[count];
            for (int i = 0; i < count; i++) buckets[i] = Bucket(_s.Orders[i]);
            buckets.Sort();
            return buckets[k - 1];
        }
        int bucket = 0;
        for (int seen = 0; bucket < HistogramBuckets; bucket++)
        {
            seen += _s.Histogram[bucket];
            if (seen >= k) break;
        }
        return bucket;
    }

    // Up to this many tracked peers, a round keeps no histogram.
    private const int FewCandidates = 512;

    private int Bucket(double order) => Math.Clamp((int)(order * _bucketScale), 0, HistogramBuckets - 1);

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
        var tracked = _peers.Tracked;
        _s = TrimScratch.Reserve(tracked.Length);
        _histogramKept = tracked.Length > FewCandidates;
        if (_histogramKept) Array.Clear(_s.Histogram);
        _guessed = 0;
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
            Score(count++, slot, in entry, nowMs);
        }

        // Grace is bounded by count: only the newest GraceMaxCount connections keep it, so a flood of
        // new connections cannot make everything untrimmable.
        var overflow = GraceOverflow(graceCount);
        foreach (var g in overflow) Score(count++, g.Slot, in _peers.At(g.Slot), nowMs);
        for (int i = overflow.Length; i < graceCount; i++) earliestGraceEndMs = Math.Min(earliestGraceEndMs, _s.InGrace[i].ConnectedSinceMs + _settings.GracePeriodMs);
        return count;
    }

    // The oldest peers in grace beyond the newest GraceMaxCount (moved to the front of the scratch's InGrace): candidates after all.
    private Span<GraceEntry> GraceOverflow(int graceCount)
    {
        if (graceCount <= _graceMaxCount) return [];
        int overflow = graceCount - _graceMaxCount;
        Selection.SmallestToFront(_s.InGrace.AsSpan(0, graceCount), overflow);
        return _s.InGrace.AsSpan(0, overflow);
    }

    // Unassigned peers first, then claimed ones.
    private double OrderOf(uint claims, double score) => (claims != 0 ? _classSpan : 0) + (score - _scorer.Minimum);

    // Candidate i: its slot, key, exact score and order.
    private void Score(int i, int slot, in PeerEntry entry, long nowMs)
    {
        double score = _scorer.Score(new PeerKey(entry.Key), in entry, nowMs);
        _s.Keys[i] = entry.Key;
        _s.Facts[i] = new CandidateFacts(slot, entry.Connections, entry.OpenConnections, entry.Outbound, entry.SubsystemClaims, score);
        double order = OrderOf(entry.SubsystemClaims, score);
        _s.Orders[i] = order;
        if (!_histogramKept) return;
        int bucket = Bucket(order);
        _s.Histogram[bucket]++;
        // Written for every candidate, kept by moving the count on (no branch to mispredict); _guessed <= i.
        _s.Ranks[_guessed] = new CandidateRank(order, entry.Key, i);
        _guessed += bucket <= _guessedBucket ? 1 : 0;
    }
}
