namespace ConnActors.Policy.Fleet;

/// <summary>
/// Which member of a fleet holds a fleet-wide friend: rendezvous hashing, so every member computes the
/// same owner from the same member set, and when a member goes only the friends it owned move.
/// </summary>
public static class FleetOwnership
{
    /// <summary>The owner of <paramref name="peer"/> among <paramref name="members"/>, or null when there are none.</summary>
    public static string? OwnerOf(string peer, IEnumerable<string> members)
    {
        string? best = null;
        ulong bestScore = 0;
        foreach (var member in members)
        {
            ulong score = Hash(member, peer);
            if (best is null || score > bestScore || (score == bestScore && string.CompareOrdinal(member, best) < 0))
            {
                best = member;
                bestScore = score;
            }
        }
        return best;
    }

    // FNV-1a over both strings (stable across processes, unlike string.GetHashCode), then a finalizer mix.
    private static ulong Hash(string member, string peer)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in member) hash = (hash ^ c) * 1099511628211UL;
        hash = (hash ^ 0xFF) * 1099511628211UL;
        foreach (char c in peer) hash = (hash ^ c) * 1099511628211UL;
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return hash;
    }
}
