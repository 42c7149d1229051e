namespace ConnActors.Policy.Fleet;

/// <summary>
/// Splits a site's connection budget (the share of one router's connection table) between the members
/// that sit behind it. Pure and deterministic: every member computes the same split from the same
/// inputs, whatever their order.
/// <list type="number">
/// <item>Each member's base is its floor, raised to its friend count (friends first), at least
/// <see cref="MinimumCap"/> and at most its own maximum. Bases are granted in address order while they
/// fit; a member whose base no longer fits gets 0 and the split says why (<see cref="SiteSplit.Shortfall"/>).</item>
/// <item>The rest of the budget is shared max-min fairly by demand above the base (water-filling:
/// smallest unmet demand first, each step an equal share of what is left), then single leftover slots
/// go, in address order, to members whose demand is still unmet.</item>
/// <item>When every demand is met, what is left is spread evenly (up to each member's maximum), so idle
/// members keep headroom for a burst; a member that needs more gets it back at the next split.</item>
/// </list>
/// Invariant: the caps add up to at most the budget, and no member gets more than its maximum.
/// </summary>
public static class SiteAllocation
{
    /// <summary>The smallest hard cap a member can run with (the policy's minimum).</summary>
    public const int MinimumCap = 8;

    /// <summary>The caps of <paramref name="members"/> under <paramref name="budget"/>.</summary>
    public static SiteSplit Allocate(int budget, IReadOnlyList<SiteMember> members)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(budget);
        var ordered = members.OrderBy(m => m.Address, StringComparer.Ordinal).ToArray();
        var caps = new int[ordered.Length];
        int left = budget;
        string? shortfall = null;
        for (int i = 0; i < ordered.Length; i++)
        {
            var m = ordered[i];
            int maxCap = Math.Max(0, m.MaxCap);
            int @base = Math.Min(maxCap, Math.Max(MinimumCap, Math.Max(m.Floor, m.Friends)));
            if (@base <= left)
            {
                caps[i] = @base;
                left -= @base;
            }
            else
            {
                shortfall ??= $"the site budget {budget} is below the members' floors: {string.Join(", ", ordered.Skip(i).Select(x => x.Address))} get no share";
            }
        }

        // Water-filling over the unmet demand above each base, smallest first.
        var unmet = Enumerable.Range(0, ordered.Length)
            .Where(i => caps[i] > 0)
            .Select(i => (Index: i, Extra: Math.Max(0, Math.Min(ordered[i].Demand, ordered[i].MaxCap) - caps[i])))
            .Where(x => x.Extra > 0)
            .OrderBy(x => x.Extra).ThenBy(x => ordered[x.Index].Address, StringComparer.Ordinal)
            .ToList();
        for (int k = 0; k < unmet.Count && left > 0; k++)
        {
            int share = left / (unmet.Count - k);
            int granted = Math.Min(unmet[k].Extra, share);
            caps[unmet[k].Index] += granted;
            left -= granted;
        }
        foreach (int i in unmet.Select(x => x.Index).OrderBy(i => ordered[i].Address, StringComparer.Ordinal))
        {
            if (left == 0) break;
            if (caps[i] >= Math.Min(ordered[i].Demand, ordered[i].MaxCap)) continue;
            caps[i]++;
            left--;
        }

        // Every demand is met: what is left is spread evenly, so each member can absorb a burst at once.
        while (left > 0)
        {
            var open = Enumerable.Range(0, ordered.Length).Where(i => caps[i] > 0 && caps[i] < ordered[i].MaxCap).ToList();
            if (open.Count == 0) break;
            int share = Math.Max(1, left / open.Count);
            foreach (int i in open)
            {
                int granted = Math.Min(Math.Min(share, left), ordered[i].MaxCap - caps[i]);
                caps[i] += granted;
                left -= granted;
                if (left == 0) break;
            }
        }

        var result = new Dictionary<string, int>(ordered.Length, StringComparer.Ordinal);
        for (int i = 0; i < ordered.Length; i++) result[ordered[i].Address] = caps[i];
        return new SiteSplit(result, shortfall);
    }
}
