namespace ConnActors.Policy.Rates;

/// <summary>
/// A token bucket whose rate and burst belong to its owner (one rate for many buckets, such as one per
/// subnet): 16 bytes of state instead of a <see cref="TokenBucket"/>'s 32. The same arithmetic.
/// </summary>
public struct CompactBucket
{
    private double _tokens;
    private long _lastRefillMs;

    /// <summary>A full bucket at <paramref name="nowMs"/>.</summary>
    public static CompactBucket Full(double burst, long nowMs) => new() { _tokens = burst, _lastRefillMs = nowMs };

    /// <summary>Takes one token if one is available at <paramref name="nowMs"/>.</summary>
    public bool TryTake(double ratePerSecond, double burst, long nowMs)
    {
        Refill(ratePerSecond, burst, nowMs);
        // The tolerance absorbs rounding in the refill, as in TokenBucket.
        if (_tokens < 1 - 1e-9) return false;
        _tokens = Math.Max(0, _tokens - 1);
        return true;
    }

    /// <summary>True when the bucket is full at <paramref name="nowMs"/>: its state carries no information and it may be forgotten.</summary>
    public bool IsFull(double ratePerSecond, double burst, long nowMs)
    {
        Refill(ratePerSecond, burst, nowMs);
        return _tokens >= burst;
    }

    private void Refill(double ratePerSecond, double burst, long nowMs)
    {
        if (nowMs <= _lastRefillMs) return;
        _tokens = Math.Min(burst, _tokens + (nowMs - _lastRefillMs) * ratePerSecond / 1000.0);
        _lastRefillMs = nowMs;
    }
}
