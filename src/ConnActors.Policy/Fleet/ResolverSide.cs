namespace ConnActors.Policy.Fleet;

/// <summary>
/// Which side of a split the keep-majority resolver downs, seen from one member: the side that reaches
/// fewer than half of the up members, or exactly half without the member whose address is lowest.
/// A member on that side gives up its site share at once, before the others take it.
/// </summary>
public static class ResolverSide
{
    /// <summary>True when the side that reaches <paramref name="reachable"/> of <paramref name="up"/> members (itself included) will be downed.</summary>
    public static bool WillBeDowned(int up, int reachable, bool holdsLowestAddress) =>
        reachable * 2 < up || (reachable * 2 == up && !holdsLowestAddress);
}
