using ConnActors.Policy.Peers;
using ConnActors.Policy.Quotas;

namespace ConnActors.Policy.Trimming;

/// <summary>
/// One victim for a subsystem's slot on a full node: the cheapest eligible candidate by (order, key), the candidates those
/// of a round. One pass tests the claims first, from the entry, and keeps the best so far by branch and bound: a
/// candidate is scored exactly only when neither of two lower bounds of its order rules it out — its static part (tags,
/// overlap, outbound bonus, penalty; the usefulness terms are never negative), then that plus a lower bound of the
/// usefulness terms with no exponential (<see cref="Scoring.UsefulnessTerms.LowerBound"/>). The bounds only prune; the
/// victim is decided by exact orders, so it is the one a full pass scoring everyone names (a property test checks).
/// Scoring every candidate made one slot cost about a whole trim round (docs/benchmarks.md (b)).
/// </summary>
internal sealed partial class TrimPlanner
{
    /// <summary>The cheapest peer whose every claim is by a subsystem above its reservation (for a reclaim).</summary>
    public PeerKey? ReclaimVictim(long nowMs)
    {
        for (int i = 0; i < QuotaTable.MaxSubsystems; i++) _surplus[i] = _quotas.SurplusAt(i);
        return Cheapest(nowMs, borrow: false);
    }

    /// <summary>
    /// The cheapest peer no subsystem claims, never one that would take our dialed peers below the
    /// outbound reserve: room for a subsystem when the node is full.
    /// </summary>
    public PeerKey? UnassignedVictim(long nowMs) => Cheapest(nowMs, borrow: true);

    // The candidates are those of CollectCandidates (a round's). The outbound reserve counts the open outbound connections
    // of the whole pass, so a dialed peer that would breach it by the count so far, yet comes before the best so far, is set
    // aside with its exact order until the pass ends (the count only grows). Setting aside every such peer, before its
    // bounds, cost a cache miss for each of them at the end (about a tenth of the peers at 100,000).
    private PeerKey? Cheapest(long nowMs, bool borrow)
    {
        var tracked = _peers.Tracked;
        _s = TrimScratch.ThisThread;
        var best = BestVictim.None;
        int graceCount = 0;
        _setAside = 0;
        _openOutbound = 0;
        for (int slot = 0; slot < tracked.Length; slot++)
        {
            ref var entry = ref tracked[slot];
            if (entry.OpenConnections == 0 || entry.IsPrivileged) continue;
            _openOutbound += entry.Outbound;
            if (entry.LockedUntilMs > nowMs || (_burstModel && entry.ActiveBursts > 0)) continue;
            if (nowMs - entry.ConnectedSinceMs < _settings.GracePeriodMs)
            {
                if (graceCount == _s.InGrace.Length) _s.GrowGrace();
                _s.InGrace[graceCount++] = new GraceEntry(entry.ConnectedSinceMs, slot);
                continue;
            }
            if (MayRelease(entry.SubsystemClaims, borrow)) Consider(ref best, in entry, borrow, nowMs);
        }
        foreach (var g in GraceOverflow(graceCount))
        {
            ref readonly var entry = ref _peers.At(g.Slot);
            if (MayRelease(entry.SubsystemClaims, borrow)) Consider(ref best, in entry, borrow, nowMs);
        }
        for (int i = 0; i < _setAside; i++)
        {
            var (order, key, outbound) = _s.SetAside[i];
            if (!WouldBreachOutboundReserve(outbound) && !best.Beats(order, key)) best = new BestVictim(true, order, key);
        }
        return best.Found ? new PeerKey(best.Key) : null;
    }

    private int _setAside;

    // A borrow takes only unassigned peers; a reclaim, peers whose every claim is surplus.
    private bool MayRelease(uint claims, bool borrow) => borrow ? claims == 0 : ReleasesOnlySurplus(claims);

    private void Consider(ref BestVictim best, in PeerEntry entry, bool borrow, long nowMs)
    {
        double staticScore = _scorer.Static(new PeerKey(entry.Key), in entry, nowMs);
        if (best.Beats(OrderOf(entry.SubsystemClaims, _scorer.FloorFrom(staticScore)), entry.Key)) return;
        if (best.Beats(OrderOf(entry.SubsystemClaims, _scorer.LowerBoundFrom(staticScore, in entry, nowMs)), entry.Key)) return;
        double order = OrderOf(entry.SubsystemClaims, _scorer.ScoreFrom(staticScore, in entry, nowMs));
        if (best.Beats(order, entry.Key)) return;
        if (borrow && WouldBreachOutboundReserve(entry.Outbound))
        {
            if (_setAside == _s.SetAside.Length) _s.GrowSetAside();
            _s.SetAside[_setAside++] = new SetAsideVictim(order, entry.Key, entry.Outbound);
            return;
        }
        best = new BestVictim(true, order, entry.Key);
    }

    /// <summary>The best candidate so far: its exact order and key.</summary>
    private readonly record struct BestVictim(bool Found, double Order, int Key)
    {
        public static BestVictim None => default;

        // True when a candidate with this key and this order, or any order at or above it (a lower bound), cannot come before the best.
        public bool Beats(double order, int key) => Found && (order > Order || (order == Order && key > Key));
    }
}
