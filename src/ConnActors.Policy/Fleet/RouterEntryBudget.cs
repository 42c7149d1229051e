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
    /// <summary>The router entries a member holds: open connections, attempts in flight (dials and inbound handshakes), and ended ones still lingering.</summary>
    public static long Held(int open, int pending, int lingering) => (long)open + pending + lingering;

    /// <summary>How many more connections (or attempts) the member may start within <paramref name="share"/>: 0 when it holds its share or more.</summary>
    public static int Headroom(int share, int open, int pending, int lingering) =>
        (int)Math.Clamp(share - Held(open, pending, lingering), 0, int.MaxValue);

    /// <summary>May the member start one more connection (dial or inbound) within <paramref name="share"/>?</summary>
    public static bool MayOpen(int share, int open, int pending, int lingering) => Headroom(share, open, pending, lingering) > 0;
}
