namespace ConnActors.Policy.Scoring;

/// <summary>
/// A value that halves every half-life, stored as (value, time of last update) and evaluated in
/// closed form when read: nothing walks peers to decay them.
/// </summary>
public struct DecayingValue
{
    private double _value;
    private long _lastUpdateMs;

    /// <summary>The value at <paramref name="nowMs"/> for a half-life of <paramref name="halfLifeMs"/>.</summary>
    public readonly double ValueAt(long nowMs, double halfLifeMs)
    {
        if (_value == 0) return 0;
        return _value * Factor(nowMs - _lastUpdateMs, halfLifeMs);
    }

    /// <summary>The decay after <paramref name="elapsedMs"/> (1 when not positive).</summary>
    internal static double Factor(long elapsedMs, double halfLifeMs) =>
        // 2^(-t/h) as e^(-t·ln2/h): Exp is markedly cheaper than Pow on the trim path.
        elapsedMs <= 0 ? 1 : Math.Exp(elapsedMs * (-Math.Log(2) / halfLifeMs));

    /// <summary>Adds <paramref name="amount"/> at <paramref name="nowMs"/> (decaying what was there first).</summary>
    public void Add(double amount, long nowMs, double halfLifeMs)
    {
        _value = ValueAt(nowMs, halfLifeMs) + amount;
        _lastUpdateMs = nowMs;
    }

    /// <summary>The stored value and its timestamp (for persistence).</summary>
    public readonly (double Value, long LastUpdateMs) Raw => (_value, _lastUpdateMs);

    /// <summary>Restores a persisted value.</summary>
    public static DecayingValue FromRaw(double value, long lastUpdateMs) => new() { _value = value, _lastUpdateMs = lastUpdateMs };
}
