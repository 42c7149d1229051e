namespace ConnActors.Policy.Limits;

/// <summary>
/// Per-subnet connection caps and inbound token-bucket rate limits. Defaults follow go-libp2p's
/// resource manager: 8 connections per IPv4 /32 and per IPv6 /56, 64 per IPv6 /48, and inbound
/// attempts per IPv4 /32 (and IPv6 /56) at 0.2 per second with a burst of 16.
/// </summary>
public sealed record SubnetLimits
{
    /// <summary>The defaults described on the type.</summary>
    public static SubnetLimits Default { get; } = new();

    /// <summary>Most connections from one IPv4 address (/32).</summary>
    public int MaxPerIPv4 { get; init; } = 8;

    /// <summary>Most connections from one IPv6 /56.</summary>
    public int MaxPerIPv6Slash56 { get; init; } = 8;

    /// <summary>Most connections from one IPv6 /48.</summary>
    public int MaxPerIPv6Slash48 { get; init; } = 64;

    /// <summary>Inbound connection attempts per second allowed from one IPv4 /32 or IPv6 /56.</summary>
    public double InboundRatePerSecond { get; init; } = 0.2;

    /// <summary>Burst of inbound attempts from one IPv4 /32 or IPv6 /56 after a quiet period.</summary>
    public double InboundBurst { get; init; } = 16;

    /// <summary>
    /// At or above high water, one IPv4 /32 or IPv6 /56 gets at most one new inbound connection per this
    /// many milliseconds (0 turns the check off).
    /// </summary>
    public long IntervalAboveHighWaterMs { get; init; } = 10_000;

    /// <summary>Addresses on loopback bypass subnet caps and rates (a node's own tooling, tests).</summary>
    public bool ExemptLoopback { get; init; } = true;

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        PolicyConfigurationException.Require(IntervalAboveHighWaterMs is >= 0 and <= 3_600_000, "limits.subnets.interval-above-high-water",
            $"must be between 0 (off) and 1 hour, was {IntervalAboveHighWaterMs} ms");
        PolicyConfigurationException.Require(MaxPerIPv4 >= 1, "limits.subnets.max-per-ipv4", $"must be at least 1, was {MaxPerIPv4}");
        PolicyConfigurationException.Require(MaxPerIPv6Slash56 >= 1, "limits.subnets.max-per-ipv6-56", $"must be at least 1, was {MaxPerIPv6Slash56}");
        PolicyConfigurationException.Require(MaxPerIPv6Slash48 >= MaxPerIPv6Slash56, "limits.subnets.max-per-ipv6-48",
            $"must be at least limits.subnets.max-per-ipv6-56 ({MaxPerIPv6Slash56}), was {MaxPerIPv6Slash48}");
        PolicyConfigurationException.Require(InboundRatePerSecond > 0 && double.IsFinite(InboundRatePerSecond), "limits.subnets.inbound-rate",
            $"must be a positive number per second, was {InboundRatePerSecond}");
        PolicyConfigurationException.Require(InboundBurst >= 1 && double.IsFinite(InboundBurst), "limits.subnets.inbound-burst",
            $"must be at least 1, was {InboundBurst}");
    }
}
