namespace ConnActors.Policy.Dht;

/// <summary>
/// When a DHT query counts as slow: after <see cref="Factor"/> times a percentile (the median by default) of the
/// last <see cref="Window"/> answered queries, at least <see cref="FloorMs"/>, at most the request timeout (and the
/// request timeout itself until <see cref="MinSamples"/> queries have been answered). A slow query stays in flight
/// and its answer still counts, but it no longer holds one of its lookup's alpha places and the lookup's end no
/// longer waits for it: the lookup moves on past a peer that does not answer instead of waiting out the timeout
/// (in the DHT side by side at 200 servers a lookup waited 10 s per silent peer). Bounded: a lookup ends at most
/// this long after its last useful answer. Pure: the caller records durations and asks.
/// </summary>
/// <remarks>
/// The median, not the 90th percentile: answered queries are bimodal (tens of ms over an open connection, seconds
/// when a dial to a loaded peer comes first), and on a loaded machine the 90th percentile was several seconds, so
/// 3 times it was the request timeout and no query was ever slow: lookups ran alpha queries at a time, each waited
/// out (docs/benchmarks.md, "the tail"). js-libp2p's kad-dht bounds a query by 1.2 times its recent average
/// (at least 5 s) and aborts it; this rule keeps the query and its answer and only stops waiting for it.
/// </remarks>
public sealed class SlowQueryRule
{
    /// <summary>Answered queries remembered.</summary>
    public const int Window = 64;

    /// <summary>Answered queries needed before any query is judged slow before its timeout.</summary>
    public const int MinSamples = 8;

    /// <summary>Slow after this many times the recent percentile.</summary>
    public const int Factor = 3;

    /// <summary>Never slow sooner than this (a dial and a request across the Internet).</summary>
    public const long FloorMs = 1_000;

    /// <summary>The percentile of recent answered queries the rule scales by, unless configured.</summary>
    public const int DefaultPercentile = 50;

    private readonly long[] _recent = new long[Window];
    private readonly long[] _sorted = new long[Window];
    private readonly int _percentile;
    private int _count, _next;

    /// <param name="percentile">Of recent answered query times, 1 to 100.</param>
    public SlowQueryRule(int percentile = DefaultPercentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        _percentile = percentile;
    }

    /// <summary>Answered queries remembered (at most <see cref="Window"/>).</summary>
    public int Samples => _count;

    /// <summary>An answered query took <paramref name="ms"/>.</summary>
    public void Answered(long ms)
    {
        _recent[_next] = Math.Max(0, ms);
        _next = (_next + 1) % Window;
        _count = Math.Min(Window, _count + 1);
    }

    /// <summary>Forgets every answered query (a node that starts again).</summary>
    public void Clear()
    {
        _count = 0;
        _next = 0;
    }

    /// <summary>How long a query may run before it is slow, given the request timeout.</summary>
    public long SlowAfterMs(long requestTimeoutMs)
    {
        if (_count < MinSamples) return requestTimeoutMs;
        Array.Copy(_recent, _sorted, _count);
        Array.Sort(_sorted, 0, _count);
        long recent = _sorted[Math.Clamp((int)Math.Ceiling(_percentile / 100.0 * _count) - 1, 0, _count - 1)];
        return Math.Clamp(recent * Factor, Math.Min(FloorMs, requestTimeoutMs), requestTimeoutMs);
    }
}
