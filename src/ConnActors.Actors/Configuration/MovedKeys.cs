using ConnActors.Policy;

namespace ConnActors.Actors.Configuration;

/// <summary>
/// Keys that moved: one still set at its old place is refused naming both places, rather than silently ignored (the
/// node would run with the default where the operator meant a value).
/// </summary>
internal static class MovedKeys
{
    // Lone nodes read them too (connactors.limits.router-entries), not only site members.
    private static readonly (string Old, string New)[] Moved =
    [
        ("cluster.router-entry-linger", "limits.router-entry-linger"),
        ("cluster.router-reset-linger", "limits.router-reset-linger"),
    ];

    public static void Refuse(HoconReader reader)
    {
        foreach (var (old, moved) in Moved)
        {
            if (reader.IsSet(old))
                throw new PolicyConfigurationException(reader.Key(old), $"has moved to {reader.Key(moved)}: set it there (it applies to a node alone behind its router as well as to a site member)");
        }
    }
}
