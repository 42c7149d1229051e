using ConnActors.Policy.Engine;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Properties;

/// <summary>
/// The oracle for <see cref="TrimPlanner"/>: the planner's rules written as plainly as possible — one pass
/// over every tracked peer, every candidate's exact score, a full sort — with none of its shortcuts (no
/// trim index, no cached bounds, no deferred candidates). A normal round's victims (down to low water in one round), in order; claimed peers only
/// down to the claimed floor (low water plus running bursts' connections); the victim a reclaim or a borrow names.
/// </summary>
internal static class ReferenceTrimPlanner
{
    public static List<int> Victims(ConnectionManagerPolicy engine, long nowMs)
    {
        var limits = engine.Settings.Limits;
        var tracked = engine.PeerTable.Tracked;
        int needed = engine.EffectiveConnections - limits.LowWater;
        if (needed <= 0) return [];
        var candidates = Candidates(engine, nowMs, out int openOutbound);

        var surplus = new int[QuotaTable.MaxSubsystems];
        for (int i = 0; i < surplus.Length; i++) surplus[i] = engine.QuotaTable.SurplusAt(i);
        // Claimed peers go only down to the claimed floor: low water plus the running bursts' connections.
        int claimedBudget = Math.Max(0, engine.EffectiveConnections - Math.Max(limits.LowWater, engine.ClaimedFloor));
        var victims = new List<int>();
        int closed = 0, closedClaimed = 0;
        foreach (var (_, key, slot) in candidates.OrderBy(c => c.Order).ThenBy(c => c.Key))
        {
            if (closed >= needed) break;
            var entry = tracked[slot];
            if (closed + entry.OpenConnections > needed) continue;
            if (entry.SubsystemClaims != 0 && closedClaimed + entry.OpenConnections > claimedBudget) continue;
            var claims = Subsystems(entry.SubsystemClaims);
            if (claims.Any(s => surplus[s] < 1)) continue;
            if (entry.Outbound > 0 && openOutbound - entry.Outbound < limits.OutboundReserve) continue;
            foreach (int s in claims) surplus[s]--;
            openOutbound -= entry.Outbound;
            victims.Add(key);
            closed += entry.OpenConnections;
            if (entry.SubsystemClaims != 0) closedClaimed += entry.OpenConnections;
        }
        return victims;
    }

    /// <summary>
    /// A round's candidates with their exact orders (unassigned, then claimed; score above the minimum), in no particular
    /// order, and the open outbound connections of every ordinary peer (what the outbound reserve counts).
    /// </summary>
    public static List<(double Order, int Key, int Slot)> Candidates(ConnectionManagerPolicy engine, long nowMs, out int openOutbound)
    {
        var settings = engine.Settings;
        var peers = engine.PeerTable;
        var scorer = engine.Scorer;
        double classSpan = scorer.Maximum - scorer.Minimum + 1;
        var candidates = new List<(double Order, int Key, int Slot)>();
        var inGrace = new List<(long Since, int Slot)>();
        openOutbound = 0;
        var tracked = peers.Tracked;
        for (int slot = 0; slot < tracked.Length; slot++)
        {
            var entry = tracked[slot];
            if (entry.OpenConnections == 0 || entry.IsPrivileged) continue;
            openOutbound += entry.Outbound;
            if (entry.LockedUntilMs > nowMs || (settings.Features.BurstModel && entry.ActiveBursts > 0)) continue;
            if (nowMs - entry.ConnectedSinceMs < settings.Trim.GracePeriodMs) inGrace.Add((entry.ConnectedSinceMs, slot));
            else candidates.Add(Candidate(slot));
        }
        // Only the newest GraceMaxCount keep their grace.
        int overflow = inGrace.Count - settings.Trim.GraceMaxCountFor(settings.Limits.HardCap);
        foreach (var (_, slot) in inGrace.OrderBy(g => g.Since).ThenBy(g => g.Slot).Take(Math.Max(0, overflow))) candidates.Add(Candidate(slot));
        return candidates;

        (double, int, int) Candidate(int slot)
        {
            var entry = peers.Tracked[slot];
            double score = scorer.Score(new PeerKey(entry.Key), in entry, nowMs);
            int cls = entry.SubsystemClaims != 0 ? 1 : 0;
            return (cls * classSpan + (score - scorer.Minimum), entry.Key, slot);
        }
    }

    /// <summary>A reclaim's victim: the lowest (order, key) candidate whose every claim is by a subsystem above its reservation.</summary>
    public static int? ReclaimVictim(ConnectionManagerPolicy engine, long nowMs)
    {
        var tracked = engine.PeerTable.Tracked.ToArray();
        return Cheapest(Candidates(engine, nowMs, out _).Where(c => Subsystems(tracked[c.Slot].SubsystemClaims).All(s => engine.QuotaTable.SurplusAt(s) >= 1)));
    }

    /// <summary>A borrow's victim: the lowest (order, key) unassigned candidate whose close keeps our dialed peers at the outbound reserve.</summary>
    public static int? UnassignedVictim(ConnectionManagerPolicy engine, long nowMs)
    {
        var tracked = engine.PeerTable.Tracked.ToArray();
        var candidates = Candidates(engine, nowMs, out int openOutbound);
        int reserve = engine.Settings.Limits.OutboundReserve;
        return Cheapest(candidates.Where(c => tracked[c.Slot] is { SubsystemClaims: 0 } entry && !(entry.Outbound > 0 && openOutbound - entry.Outbound < reserve)));
    }

    private static int? Cheapest(IEnumerable<(double Order, int Key, int Slot)> candidates) =>
        candidates.OrderBy(c => c.Order).ThenBy(c => c.Key).Select(c => (int?)c.Key).FirstOrDefault();

    /// <summary>An emergency round's victims: every connected peer but friends and protected ones, cheapest first, down to <paramref name="target"/>.</summary>
    public static List<int> EmergencyVictims(ConnectionManagerPolicy engine, int target, long nowMs)
    {
        var scorer = engine.Scorer;
        double classSpan = scorer.Maximum - scorer.Minimum + 1;
        int needed = engine.EffectiveConnections - target;
        var victims = new List<int>();
        int closed = 0;
        var ordered = engine.PeerTable.Tracked.ToArray()
            .Where(e => e.OpenConnections > 0 && !e.IsPrivileged)
            .Select(e => (Order: (e.SubsystemClaims != 0 ? 1 : 0) * classSpan + (scorer.Score(new PeerKey(e.Key), in e, nowMs) - scorer.Minimum), e.Key, e.OpenConnections))
            .OrderBy(c => c.Order).ThenBy(c => c.Key);
        foreach (var (_, key, open) in ordered)
        {
            if (closed >= needed) break;
            victims.Add(key);
            closed += open;
        }
        return victims;
    }

    private static List<int> Subsystems(uint claims)
    {
        var list = new List<int>();
        for (int s = 0; s < 32; s++)
        {
            if ((claims & (1u << s)) != 0) list.Add(s);
        }
        return list;
    }
}
