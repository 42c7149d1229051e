namespace ConnActors.Policy.Trimming;

/// <summary>Settings of regulation rounds.</summary>
public sealed record TrimSettings
{
    /// <summary>Defaults.</summary>
    public static TrimSettings Default { get; } = new();

    /// <summary>New connections are spared for this long (unless grace is over-subscribed).</summary>
    public long GracePeriodMs { get; init; } = 30_000;

    /// <summary>At most this many of the newest connections are spared by grace; null means 10% of the hard cap.</summary>
    public int? GraceMaxCount { get; init; }

    /// <summary>Working-set size (bytes) above which the node is under memory pressure; 0 turns the check off.</summary>
    public long MemoryLimitBytes { get; init; }

    /// <summary>An emergency trim closes down to this share of low water.</summary>
    public double EmergencyTargetFraction { get; init; } = 0.5;

    /// <summary>
    /// A round starts (above low water) when failed dials per second, averaged over a minute, reach this
    /// share of <c>limits.dial-rate</c>; 0 turns the trigger off.
    /// </summary>
    public double FailedDialShare { get; init; } = 0.5;

    /// <summary>
    /// A peer whose last burst ended this long ago, and that no subsystem claims, is closed even below
    /// high water (<see cref="RegulationTrigger.BurstLinger"/>); 0 keeps such peers until a round needs room.
    /// </summary>
    public long BurstLingerMs { get; init; }

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first invalid setting.</summary>
    public TrimSettings Validate(int hardCap)
    {
        if (GracePeriodMs < 0) throw new PolicyConfigurationException("regulation.grace-period", $"must be >= 0, was {GracePeriodMs} ms");
        if (GraceMaxCount is { } g && (g < 0 || g > hardCap))
            throw new PolicyConfigurationException("regulation.grace-max-count", $"must be in [0, limits.hard-cap = {hardCap}], was {g}");
        if (MemoryLimitBytes < 0) throw new PolicyConfigurationException("regulation.memory-limit-mb", $"must be >= 0, was {MemoryLimitBytes} bytes");
        if (EmergencyTargetFraction is < 0 or > 1 || double.IsNaN(EmergencyTargetFraction))
            throw new PolicyConfigurationException("regulation.emergency-target", $"must be in [0, 1], was {EmergencyTargetFraction}");
        if (FailedDialShare is < 0 or > 1 || double.IsNaN(FailedDialShare))
            throw new PolicyConfigurationException("regulation.failed-dial-share", $"must be in [0, 1] (0 = off), was {FailedDialShare}");
        if (BurstLingerMs < 0) throw new PolicyConfigurationException("regulation.burst-linger", $"must be >= 0 (0 = off), was {BurstLingerMs} ms");
        return this;
    }

    internal int GraceMaxCountFor(int hardCap) => GraceMaxCount ?? Math.Max(1, hardCap / 10);
}
