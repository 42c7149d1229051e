namespace ConnActors.Policy.Fleet;

/// <summary>
/// Router entries of connections and attempts that ended and that the router still holds: each lingers
/// <see cref="LingerMs"/> after its end. Times are given by the caller (no clock read); they are expected
/// in non-decreasing order, and one earlier than the newest is counted as if it ended with the newest
/// (it then lingers a little longer, never shorter). At most <see cref="MaxEntries"/> are remembered: past
/// that the oldest are forgotten early (a member holding that many is far over any share anyway).
/// </summary>
public sealed class LingeringEntries
{
    private readonly Queue<long> _endedAtMs = new();
    private long _newestMs = long.MinValue;

    /// <summary>Remembers entries lingering <paramref name="lingerMs"/> (&gt;= 0), at most <paramref name="maxEntries"/> (&gt; 0).</summary>
    public LingeringEntries(long lingerMs, int maxEntries = 65_536)
    {
        if (lingerMs < 0) throw new ArgumentOutOfRangeException(nameof(lingerMs), lingerMs, "must be >= 0");
        if (maxEntries <= 0) throw new ArgumentOutOfRangeException(nameof(maxEntries), maxEntries, "must be > 0");
        LingerMs = lingerMs;
        MaxEntries = maxEntries;
    }

    /// <summary>How long an ended entry stays in the router's table.</summary>
    public long LingerMs { get; }

    /// <summary>The most entries remembered.</summary>
    public int MaxEntries { get; }

    /// <summary>One connection or attempt ended at <paramref name="endedAtMs"/>: the router holds its entry until the linger ends.</summary>
    public void Ended(long endedAtMs)
    {
        if (LingerMs == 0) return;
        _newestMs = Math.Max(_newestMs, endedAtMs);
        if (_endedAtMs.Count == MaxEntries) _endedAtMs.Dequeue();
        _endedAtMs.Enqueue(_newestMs);
    }

    /// <summary>Entries still lingering at <paramref name="nowMs"/> (those that ended after <paramref name="nowMs"/> - linger).</summary>
    public int Count(long nowMs)
    {
        while (_endedAtMs.Count > 0 && _endedAtMs.Peek() + LingerMs <= nowMs) _endedAtMs.Dequeue();
        return _endedAtMs.Count;
    }
}
