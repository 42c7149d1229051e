namespace ConnActors.Policy.Fleet;

/// <summary>
/// A member's share of a site budget bounds the entries the shared router's connection table holds for
/// it, not only its open connections: a router (conntrack) keeps an entry for every open connection, every
/// dial in flight and every connection that ended until its linger ends (TIME_WAIT-like; the simulator and
/// the node assume 120 s). Counting only open connections let a member that trims and redials fill the
/// table with closed entries (docs/simulator.md, "Households behind one router").
/// </summary>
public static class RouterEntryBudget
{
    /// <summary>
    /// The fewest router entries a node alone behind its router may be given (<c>connactors.limits.router-entries</c>):
    /// its hard cap is half of them (<see cref="HardCapFor"/>) and must be at least the smallest workable cap
    /// (<see cref="SiteAllocation.MinimumCap"/>), with as many entries again for ends that linger. With fewer, the cap
    /// would take every entry and a node at its cap could not dial again until its ends stopped lingering.
    /// </summary>
    public const int MinimumEntries = 2 * SiteAllocation.MinimumCap;

    /// <summary>The router entries a member holds: open connections, attempts in flight (dials and inbound handshakes), and ended ones still lingering.</summary>
    public static long Held(int open, int pending, int lingering) => (long)open + pending + lingering;

    /// <summary>How many more connections (or attempts) the member may start within <paramref name="share"/>: 0 when it holds its share or more.</summary>
    public static int Headroom(int share, int open, int pending, int lingering) =>
        (int)Math.Clamp(share - Held(open, pending, lingering), 0, int.MaxValue);

    /// <summary>May the member start one more connection (dial or inbound) within <paramref name="share"/>?</summary>
    public static bool MayOpen(int share, int open, int pending, int lingering) => Headroom(share, open, pending, lingering) > 0;

    /// <summary>
    /// May the member start one more connection, borrowing room the site does not use? Always within its own
    /// <paramref name="share"/> (a member's share is guaranteed); beyond it, while its entries plus
    /// <paramref name="othersHeld"/> (the entries the other members hold, as last reported, and those that
    /// members which left still hold) stay below <paramref name="siteBudget"/>. So the router holds more than
    /// the budget only when members that borrowed are joined by others growing within their shares, by at
    /// most the unused part of those shares: keep the site budget below the router's table by that margin
    /// (the simulator gives the site 90% of the table). Per-member shares alone cost lookups in the simulator
    /// (a busy member hit its share while the others' sat idle; docs/simulator.md), and reserving the others'
    /// unused shares before borrowing cost them too.
    /// </summary>
    public static bool MayOpen(int share, int open, int pending, int lingering, int siteBudget, long othersHeld)
    {
        long held = Held(open, pending, lingering);
        return held < share || held + othersHeld < siteBudget;
    }

    /// <summary>
    /// The hard cap of a node alone behind a router whose table may hold <paramref name="routerEntries"/> of its entries:
    /// its profile's <paramref name="profileHardCap"/>, or half the entries when that is less. The other half is room for
    /// the entries of connections and attempts that ended and still linger (120 s each), so that a node at its cap can
    /// still dial. Measured in the simulator (docs/simulator.md, "A node alone behind its router"; router-killing, where
    /// only 256-entry routers lower the cap): lookup success 0.950 with the profile's cap, 0.957 at 70% of the entries,
    /// 0.964 at half, against 0.965 without counting entries at all.
    /// </summary>
    public static int HardCapFor(int routerEntries, int profileHardCap)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(routerEntries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(profileHardCap);
        return Math.Min(profileHardCap, Math.Max(SiteAllocation.MinimumCap, routerEntries / 2));
    }
}
