namespace ConnActors.Policy.Fleet;

/// <summary>
/// Whether a new split of a site's budget is worth carrying out: every round costs messages and perhaps
/// trims, and demand estimates move a little all the time, so a round starts only when some member's cap
/// would move by at least <see cref="MinimumStep"/> slots and <see cref="MinimumShare"/> of its cap.
/// </summary>
public static class SiteResplit
{
    /// <summary>The fewest slots a member's cap must move by.</summary>
    public const int MinimumStep = 2;

    /// <summary>The least share of its cap a member's cap must move by.</summary>
    public const double MinimumShare = 0.05;

    /// <summary>True when <paramref name="split"/> moves some member far enough from <paramref name="current"/> (a member not in it counts as moved).</summary>
    public static bool Worthwhile(IReadOnlyDictionary<string, int> split, IReadOnlyDictionary<string, int> current) =>
        split.Any(s => !current.TryGetValue(s.Key, out int now) || Math.Abs(s.Value - now) >= Math.Max(MinimumStep, (int)(now * MinimumShare)));
}
