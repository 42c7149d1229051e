namespace ConnActors.Sim.Connections;

/// <summary>
/// When each pair was last closed by a policy (trim, reclaim or release) and what backoff its bye asked
/// for, kept for <see cref="Connector.RedialWindowMs"/> or the backoff, whichever is longer, so that
/// dials after a close can be counted whatever the policy. 16 bytes a close; expired closes are dropped
/// at least once a simulated minute, so a large run holds about two minutes of closes.
/// </summary>
internal sealed class TrimHistory
{
    private const long PurgeEveryMs = 60_000;
    private const int NoBye = -1;
    private readonly Dictionary<long, Stored> _closedAt = new();
    private readonly List<long> _expired = new();
    private long _lastPurgeMs;

    // ByeBackoffMs: the bye's backoff in ms, or NoBye.
    private readonly record struct Stored(long AtMs, int ByeBackoffMs, bool Trim, bool EndOfBurst)
    {
        public long KeptMs(long windowMs) => Math.Max(windowMs, ByeBackoffMs);
    }

    public int Count => _closedAt.Count;

    /// <summary>
    /// <paramref name="closer"/> closed its connection to <paramref name="closed"/>; <paramref name="trim"/> is false for a release;
    /// <paramref name="endOfBurst"/>: the peer's last use was a finished burst (a release, or a trim of a lingering query peer).
    /// </summary>
    public void Record(int closer, int closed, long nowMs, bool trim, long? byeBackoffMs, bool endOfBurst = false)
    {
        if (nowMs - _lastPurgeMs >= PurgeEveryMs) Purge(nowMs, Connector.RedialWindowMs);
        int bye = byeBackoffMs is { } b ? (int)Math.Clamp(b, 0, int.MaxValue) : NoBye;
        _closedAt[PairKey(closer, closed)] = new Stored(nowMs, bye, trim, endOfBurst || !trim);
    }

    /// <summary>The last close of the pair by <paramref name="closer"/>, if it is still within <paramref name="windowMs"/> or its bye's backoff.</summary>
    public ClosedPair? ClosedBy(int closer, int closed, long nowMs, long windowMs) =>
        _closedAt.TryGetValue(PairKey(closer, closed), out var e) && nowMs - e.AtMs < e.KeptMs(windowMs)
            ? new ClosedPair(e.AtMs, e.Trim, e.ByeBackoffMs == NoBye ? null : e.ByeBackoffMs, e.EndOfBurst)
            : null;

    /// <summary>Forgets closes older than <paramref name="windowMs"/> and their bye's backoff.</summary>
    public void Purge(long nowMs, long windowMs)
    {
        _lastPurgeMs = nowMs;
        _expired.Clear();
        foreach (var pair in _closedAt) if (nowMs - pair.Value.AtMs >= pair.Value.KeptMs(windowMs)) _expired.Add(pair.Key);
        foreach (long key in _expired) _closedAt.Remove(key);
    }

    private static long PairKey(int from, int to) => ((long)from << 32) | (uint)to;
}

/// <summary>
/// A policy's close of a pair's connection: when, whether it was a trim (or reclaim), the backoff its bye asked for (null: no
/// bye), and whether the peer's last use was a finished burst (the node holds no dial of its own to such a peer).
/// </summary>
internal readonly record struct ClosedPair(long AtMs, bool Trim, long? ByeBackoffMs, bool EndOfBurst = false)
{
    /// <summary>
    /// A dial by the closed peer now breaks the politeness asked of it: inside its bye's backoff, or,
    /// for a trim without a bye, inside <paramref name="windowMs"/> (what a bye would have asked).
    /// </summary>
    public bool Violated(long nowMs, long windowMs) => Trim && nowMs - AtMs < (ByeBackoffMs ?? windowMs);
}
