namespace ConnActors.Policy.Rates;

/// <summary>
/// An exponentially weighted moving average of an event RATE (events per second) with a time constant,
/// updated per event in closed form: the estimate decays by exp(-dt/tau) between events, so irregular
/// arrivals need no periodic tick.
/// </summary>
public struct EwmaRate
{
    private double _rate;
    private long _lastMs;
    private bool _started;

    /// <summary>Creates an estimator with time constant <paramref name="tauMs"/> (milliseconds).</summary>
    public EwmaRate(double tauMs)
    {
        if (!(tauMs > 0)) throw new ArgumentOutOfRangeException(nameof(tauMs));
        TauMs = tauMs;
    }

    /// <summary>The averaging time constant in milliseconds.</summary>
    public double TauMs { get; }

    /// <summary>Records <paramref name="count"/> events at <paramref name="nowMs"/>.</summary>
    public void Record(long nowMs, double count = 1)
    {
        Decay(nowMs);
        // Each event contributes an impulse of 1/tau events per ms; the integral over time equals the count.
        _rate += count * 1000.0 / TauMs;
    }

    /// <summary>The estimated rate in events per second at <paramref name="nowMs"/>.</summary>
    public double PerSecond(long nowMs)
    {
        if (!_started) return 0;
        var dt = Math.Max(0, nowMs - _lastMs);
        return _rate * Math.Exp(-dt / TauMs);
    }

    private void Decay(long nowMs)
    {
        if (!_started)
        {
            _started = true;
            _lastMs = nowMs;
            return;
        }
        if (nowMs <= _lastMs) return;
        _rate *= Math.Exp(-(nowMs - _lastMs) / TauMs);
        _lastMs = nowMs;
    }
}
