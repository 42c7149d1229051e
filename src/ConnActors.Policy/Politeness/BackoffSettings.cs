namespace ConnActors.Policy.Politeness;

/// <summary>
/// The shape of one backoff curve. The un-jittered delay before retry number <c>n</c> (0 for the
/// first retry after a failure) is
/// <c>base(n) = min(cap, initial * factor^n + quadratic-step * n^2)</c>, and the delay actually used is
/// drawn uniformly in <c>[base(n) - floor(base(n) * jitter), base(n)]</c>: jitter only ever shortens a
/// delay, so no delay exceeds the cap. With <c>factor &gt;= 1</c> and <c>quadratic-step &gt;= 0</c>,
/// <c>base(n)</c> is non-decreasing in <c>n</c>.
/// </summary>
public sealed record BackoffSettings
{
    /// <summary>
    /// Default for dial failures: jittered exponential, 5 s doubling to a 5 min cap (go-libp2p's first
    /// delay and cap), 20 % jitter so that a fleet's retries do not synchronise.
    /// </summary>
    public static BackoffSettings DialDefault { get; } = new();

    /// <summary>go-libp2p's dial backoff: 5 s + 1 s * n^2, capped at 5 min, no jitter.</summary>
    public static BackoffSettings GoLibp2pDial { get; } = new()
    {
        InitialMs = 5_000,
        Factor = 1,
        QuadraticStepMs = 1_000,
        CapMs = 5 * 60_000,
        Jitter = 0,
    };

    /// <summary>
    /// Default for friend reconnects, close to Kubo peering: 5 s, doubling (the mean of Kubo's random
    /// factor in [1.5, 2.5)), capped at 10 min, 25 % jitter (Kubo's factor spread).
    /// </summary>
    public static BackoffSettings FriendReconnectDefault { get; } = new()
    {
        InitialMs = 5_000,
        Factor = 2,
        CapMs = 10 * 60_000,
        Jitter = 0.25,
    };

    /// <summary>Delay before the first retry, in milliseconds (key suffix <c>initial</c>).</summary>
    public long InitialMs { get; init; } = 5_000;

    /// <summary>Growth factor per retry, at least 1 (key suffix <c>factor</c>).</summary>
    public double Factor { get; init; } = 2;

    /// <summary>Milliseconds added per squared retry number, at least 0 (key suffix <c>quadratic-step</c>).</summary>
    public long QuadraticStepMs { get; init; }

    /// <summary>Longest delay in milliseconds, at least <see cref="InitialMs"/> (key suffix <c>cap</c>).</summary>
    public long CapMs { get; init; } = 5 * 60_000;

    /// <summary>Fraction in [0, 1) by which a delay may be shortened at random (key suffix <c>jitter</c>).</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>
    /// Throws <see cref="PolicyConfigurationException"/> naming the first invalid setting, spelled
    /// <paramref name="keyPrefix"/> + "." + suffix (for example <c>dial.backoff.cap</c>).
    /// </summary>
    public BackoffSettings Validate(string keyPrefix)
    {
        if (InitialMs <= 0)
            throw new PolicyConfigurationException($"{keyPrefix}.initial", $"must be positive, was {InitialMs} ms");
        if (!(Factor >= 1 && double.IsFinite(Factor)))
            throw new PolicyConfigurationException($"{keyPrefix}.factor", $"must be a finite number >= 1 so that delays never shrink, was {Factor}");
        if (QuadraticStepMs < 0)
            throw new PolicyConfigurationException($"{keyPrefix}.quadratic-step", $"must be >= 0, was {QuadraticStepMs} ms");
        if (CapMs < InitialMs)
            throw new PolicyConfigurationException($"{keyPrefix}.cap", $"must be at least {keyPrefix}.initial ({InitialMs} ms), was {CapMs} ms");
        if (!(Jitter >= 0 && Jitter < 1))
            throw new PolicyConfigurationException($"{keyPrefix}.jitter", $"must be in [0, 1), was {Jitter}");
        return this;
    }
}
