namespace ConnActors.Policy.Fleet;

/// <summary>
/// One member of a site as the allocation sees it: its cluster address (the order key), the connections
/// it wants (<paramref name="Demand"/>), the least it must get (<paramref name="Floor"/>), its friends
/// (who come first) and the most it can use (<paramref name="MaxCap"/>, its own profile's hard cap).
/// </summary>
public readonly record struct SiteMember(string Address, int Demand, int Floor, int Friends, int MaxCap);

/// <summary>A site budget split: each member's hard cap, and why members got nothing when floors did not fit.</summary>
public sealed record SiteSplit(IReadOnlyDictionary<string, int> Caps, string? Shortfall)
{
    /// <summary>The sum of the members' caps (never above the budget).</summary>
    public int Total => Caps.Values.Sum();
}
