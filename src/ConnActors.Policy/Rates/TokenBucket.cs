namespace ConnActors.Policy.Rates;

/// <summary>
/// A token bucket refilled lazily from the time of the last take: no timer, no sweep. A mutable struct
/// so that tables of buckets (one per subnet) live inline in arrays without allocation.
/// </summary>
public struct TokenBucket
{
    private double _tokens;
    private long _lastRefillMs;

    /// <summary>Creates a full bucket.</summary>
    /// <param name="ratePerSecond">Tokens added per second.</param>
    /// <param name="burst">Capacity: the most tokens that can be taken at once after a quiet period.</param>
    /// <param name="nowMs">The caller's current time in milliseconds.</param>
    public TokenBucket(double ratePerSecond, double burst, long nowMs)
    {
        if (!(ratePerSecond >= 0)) throw new ArgumentOutOfRangeException(nameof(ratePerSecond));
        if (!(burst >= 1)) throw new ArgumentOutOfRangeException(nameof(burst));
        RatePerSecond = ratePerSecond;
        Burst = burst;
        _tokens = burst;
        _lastRefillMs = nowMs;
    }

    /// <summary>Tokens added per second.</summary>
    public double RatePerSecond { get; }

    /// <summary>Bucket capacity.</summary>
    public double Burst { get; }

    /// <summary>Tokens available at <paramref name="nowMs"/> (does not consume).</summary>
    public double Available(long nowMs)
    {
        Refill(nowMs);
        return _tokens;
    }

    /// <summary>Takes <paramref name="tokens"/> if that many are available at <paramref name="nowMs"/>.</summary>
    public bool TryTake(long nowMs, double tokens = 1)
    {
        Refill(nowMs);
        // The tolerance absorbs rounding in the refill, so a take at MillisecondsUntilToken succeeds.
        if (_tokens < tokens - 1e-9) return false;
        _tokens = Math.Max(0, _tokens - tokens);
        return true;
    }

    /// <summary>Milliseconds from <paramref name="nowMs"/> until one token is available (0 if one is).</summary>
    public long MillisecondsUntilToken(long nowMs)
    {
        Refill(nowMs);
        if (_tokens >= 1 - 1e-9) return 0;
        if (RatePerSecond <= 0) return long.MaxValue;
        return (long)Math.Ceiling((1 - _tokens) * 1000.0 / RatePerSecond);
    }

    /// <summary>True when the bucket is full at <paramref name="nowMs"/>: its state carries no information and it may be forgotten.</summary>
    public bool IsFull(long nowMs)
    {
        Refill(nowMs);
        return _tokens >= Burst;
    }

    private void Refill(long nowMs)
    {
        if (nowMs <= _lastRefillMs) return;
        _tokens = Math.Min(Burst, _tokens + (nowMs - _lastRefillMs) * RatePerSecond / 1000.0);
        _lastRefillMs = nowMs;
    }
}
