namespace ConnActors.Policy.Benchmarks.Demo;

/// <summary>Prints one phase as a compact fixed-width table, one row per policy.</summary>
internal static class DemoTable
{
    private const string Format = "  {0,-6} {1,6} {2,6} {3,8} {4,9} {5,-44} {6,-30}";

    public static void Write(TextWriter output, IReadOnlyList<(string Policy, PhaseStats Stats)> rows)
    {
        output.WriteLine(Format, "policy", "conns", "peak", "friends", "work", "refused (by reason)", "trimmed connections (by reason)");
        foreach (var (policy, s) in rows)
        {
            output.WriteLine(Format, policy, s.ConnectionsAtEnd, s.Peak, $"{s.FriendsKept}/{Scenario.FriendCount}", s.WorkUnits.ToString("N0"),
                Join(s.Refused), Join(s.Trimmed));
        }
    }

    private static string Join<TReason>(SortedDictionary<TReason, int> counts) where TReason : notnull =>
        counts.Count == 0 ? "-" : string.Join(" ", counts.Select(kv => $"{kv.Key} {kv.Value:N0}"));
}
