namespace ConnActors.Policy.Politeness;

/// <summary>
/// Evaluates a <see cref="BackoffSettings"/> curve for a retry number. Stateless: the caller keeps the
/// retry count, so a schedule is fully described by one integer.
/// </summary>
public sealed class ExponentialBackoff
{
    private readonly BackoffSettings _settings;

    /// <summary>Creates the curve; <paramref name="settings"/> must already be valid.</summary>
    public ExponentialBackoff(BackoffSettings settings) => _settings = settings;

    /// <summary>The settings this curve evaluates.</summary>
    public BackoffSettings Settings => _settings;

    /// <summary>
    /// The un-jittered delay <c>min(cap, initial * factor^n + quadratic-step * n^2)</c> in milliseconds,
    /// rounded down. Non-decreasing in <paramref name="retry"/>; defined for every non-negative value,
    /// including <see cref="int.MaxValue"/> (the powers overflow to infinity and the cap applies).
    /// </summary>
    public long BaseDelayMs(int retry)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retry);
        double n = retry;
        double raw = _settings.InitialMs * Math.Pow(_settings.Factor, n) + _settings.QuadraticStepMs * n * n;
        return raw >= _settings.CapMs ? _settings.CapMs : (long)raw;
    }

    /// <summary>
    /// The shortest delay <see cref="DelayMs"/> can return for <paramref name="retry"/>:
    /// <c>base - floor(base * jitter)</c>.
    /// </summary>
    public long MinimumDelayMs(int retry)
    {
        long baseMs = BaseDelayMs(retry);
        return baseMs - (long)(baseMs * _settings.Jitter);
    }

    /// <summary>
    /// A jittered delay in [<see cref="MinimumDelayMs"/>, <see cref="BaseDelayMs"/>], hence never above
    /// the cap. Draws exactly one number from <paramref name="random"/>.
    /// </summary>
    public long DelayMs(int retry, DeterministicRandom random)
    {
        long baseMs = BaseDelayMs(retry);
        double spread = baseMs * _settings.Jitter;
        // spread * u <= spread for u < 1 (rounding is monotone), so the floor never passes MinimumDelayMs.
        return baseMs - (long)(spread * random.NextDouble());
    }
}
