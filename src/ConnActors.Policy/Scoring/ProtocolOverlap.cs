namespace ConnActors.Policy.Scoring;

/// <summary>
/// The overlap score input: the share of our subsystems' protocols that the peer also speaks, in [0, 1].
/// Peers sharing our protocols make better overlays (pubsub topics, DHT), so they score higher.
/// </summary>
public static class ProtocolOverlap
{
    /// <summary>
    /// The share of <paramref name="ours"/> found in <paramref name="theirs"/>, each of ours counted once: a peer that lists
    /// one of our protocols many times (its identify says what it likes) does not claim the whole overlap with it.
    /// </summary>
    public static double Of<TSet>(TSet ours, IReadOnlyList<string> theirs) where TSet : IReadOnlySet<string>
    {
        if (theirs.Count == 0 || ours.Count == 0) return 0;
        HashSet<string>? shared = null;
        foreach (var protocol in theirs)
        {
            if (ours.Contains(protocol)) (shared ??= new HashSet<string>(StringComparer.Ordinal)).Add(protocol);
        }
        return shared is null ? 0 : Math.Min(1, (double)shared.Count / ours.Count);
    }
}
