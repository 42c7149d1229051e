namespace ConnActors.Sim.Connections;

/// <summary>
/// When each pair was last trimmed, kept for <see cref="Connector.ByeBackoffMs"/>, so that a dial
/// inside that window after a trim can be counted whatever the policy.
/// </summary>
internal sealed class TrimHistory
{
    private readonly Dictionary<long, long> _trimmedAtMs = new();

    /// <summary><paramref name="trimmer"/> closed its connection to <paramref name="trimmed"/> at <paramref name="nowMs"/>.</summary>
    public void Record(int trimmer, int trimmed, long nowMs) => _trimmedAtMs[PairKey(trimmer, trimmed)] = nowMs;

    /// <summary>True when <paramref name="trimmer"/> trimmed <paramref name="trimmed"/> less than <paramref name="windowMs"/> ago.</summary>
    public bool TrimmedWithin(int trimmer, int trimmed, long nowMs, long windowMs) =>
        _trimmedAtMs.TryGetValue(PairKey(trimmer, trimmed), out long at) && nowMs - at < windowMs;

    /// <summary>Forgets trims older than <paramref name="windowMs"/>.</summary>
    public void Purge(long nowMs, long windowMs)
    {
        var expired = new List<long>();
        foreach (var pair in _trimmedAtMs) if (nowMs - pair.Value >= windowMs) expired.Add(pair.Key);
        foreach (long key in expired) _trimmedAtMs.Remove(key);
    }

    private static long PairKey(int from, int to) => ((long)from << 32) | (uint)to;
}
