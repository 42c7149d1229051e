namespace ConnActors.Policy.Fleet;

/// <summary>
/// How many connections a member of a site wants, from what it holds and what it had to refuse for lack of
/// room since the last report: a member turning peers away, or at high water, wants half as much again
/// (up to its own maximum); an idle one wants what it holds plus a margin, so that its unused share goes to
/// the members that need it.
/// </summary>
public static class SiteDemand
{
    /// <summary>The demand of a member holding <paramref name="occupancy"/> of <paramref name="hardCap"/> (its maximum <paramref name="maxCap"/>).</summary>
    public static int Of(int occupancy, int hardCap, int highWater, int maxCap, long capacityRefusals)
    {
        bool pressed = capacityRefusals > 0 || (hardCap > 0 && occupancy >= highWater);
        long wanted = pressed
            ? Math.Max((long)Math.Max(hardCap, SiteAllocation.MinimumCap) * 3 / 2, occupancy + capacityRefusals)
            : occupancy + Math.Max(SiteAllocation.MinimumCap, occupancy / 4);
        return (int)Math.Min(maxCap, wanted);
    }
}
