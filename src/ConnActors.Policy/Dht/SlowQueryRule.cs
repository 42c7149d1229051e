namespace ConnActors.Policy.Dht;

/// <summary>
/// When a DHT query counts as slow: after <see cref="Factor"/> times the 90th percentile of the last
/// <see cref="Window"/> answered queries, at least <see cref="FloorMs"/>, at most the request timeout (and the
/// request timeout itself until <see cref="MinSamples"/> queries have been answered). A slow query stays in flight
/// and its answer still counts, but it no longer holds one of its lookup's alpha places and the lookup's end no
/// longer waits for it: the lookup moves on past a peer that does not answer instead of waiting out the timeout
/// (in the DHT side by side at 200 servers a lookup waited 10 s per silent peer). Bounded: a lookup ends at most
/// this long after its last useful answer. Pure: the caller records durations and asks.
/// </summary>
public sealed class SlowQueryRule
{
    /// <summary>Answered queries remembered.</summary>
    public const int Window = 64;

    /// <summary>Answered queries needed before any query is judged slow before its timeout.</summary>
    public const int MinSamples = 8;

    /// <summary>Slow after this many times the recent 90th percentile.</summary>
    public const int Factor = 3;

    /// <summary>Never slow sooner than this (a dial and a request across the Internet).</summary>
    public const long FloorMs = 1_000;

    private readonly long[] _recent = new long[Window];
    private readonly long[] _sorted = new long[Window];
    private int _count, _next;

    /// <summary>Answered queries remembered (at most <see cref="Window"/>).</summary>
    public int Samples => _count;

    /// <summary>An answered query took <paramref name="ms"/>.</summary>
    public void Answered(long ms)
    {
        _recent[_next] = Math.Max(0, ms);
        _next = (_next + 1) % Window;
        _count = Math.Min(Window, _count + 1);
    }

    /// <summary>How long a query may run before it is slow, given the request timeout.</summary>
    public long SlowAfterMs(long requestTimeoutMs)
    {
        if (_count < MinSamples) return requestTimeoutMs;
        Array.Copy(_recent, _sorted, _count);
        Array.Sort(_sorted, 0, _count);
        long p90 = _sorted[Math.Min(_count - 1, (int)Math.Ceiling(0.9 * _count) - 1)];
        return Math.Clamp(p90 * Factor, Math.Min(FloorMs, requestTimeoutMs), requestTimeoutMs);
    }
}
