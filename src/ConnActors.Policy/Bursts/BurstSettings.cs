namespace ConnActors.Policy.Bursts;

/// <summary>Settings of the burst and arrival-rate model.</summary>
public sealed record BurstSettings
{
    /// <summary>Defaults.</summary>
    public static BurstSettings Default { get; } = new();

    /// <summary>Time constant of the short arrival EWMA (spike detection).</summary>
    public double ShortTauMs { get; init; } = 5_000;

    /// <summary>Time constant of the long arrival EWMA (prediction).</summary>
    public double LongTauMs { get; init; } = 120_000;

    /// <summary>How far ahead the headroom covers predicted arrivals.</summary>
    public long HeadroomHorizonMs { get; init; } = 15_000;

    /// <summary>A short rate this many times the long one is a spike.</summary>
    public double SpikeFactor { get; init; } = 4;

    /// <summary>Below this rate (per second) nothing is a spike.</summary>
    public double SpikeMinimumPerSecond { get; init; } = 2;

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first invalid setting.</summary>
    public BurstSettings Validate()
    {
        if (!(ShortTauMs > 0)) throw new PolicyConfigurationException("bursts.short-tau", $"must be positive, was {ShortTauMs} ms");
        if (!(LongTauMs > ShortTauMs)) throw new PolicyConfigurationException("bursts.long-tau", $"must be longer than bursts.short-tau ({ShortTauMs} ms), was {LongTauMs} ms");
        if (HeadroomHorizonMs < 0) throw new PolicyConfigurationException("bursts.headroom-horizon", $"must be >= 0, was {HeadroomHorizonMs} ms");
        if (!(SpikeFactor > 1)) throw new PolicyConfigurationException("bursts.spike-factor", $"must be above 1, was {SpikeFactor}");
        if (!(SpikeMinimumPerSecond >= 0)) throw new PolicyConfigurationException("bursts.spike-minimum", $"must be >= 0, was {SpikeMinimumPerSecond}");
        return this;
    }
}
