using ConnActors.Policy;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;

namespace ConnActors.Baselines;

/// <summary>
/// Settings of <see cref="BasicConnectionManager"/>, named as go-libp2p's BasicConnMgr names them.
/// Watermarks count connections (go's <c>connCount</c>) although go's documentation speaks of peers.
/// </summary>
public sealed record BasicSettings
{
    /// <summary>go-libp2p's library defaults: 160/192, grace 1 min, silence 10 s, decay resolution 1 min.</summary>
    public static BasicSettings Library { get; } = new();

    /// <summary>Kubo's defaults for <c>Swarm.ConnMgr</c>: 32/96, grace 20 s, silence 10 s.</summary>
    public static BasicSettings Kubo { get; } = new() { LowWater = 32, HighWater = 96, GracePeriodMs = 20_000 };

    /// <summary>A trim brings the connections of trim candidates down to this.</summary>
    public int LowWater { get; init; } = 160;

    /// <summary>A ticker fire with at least this many connections starts a trim.</summary>
    public int HighWater { get; init; } = 192;

    /// <summary>A peer first seen less than this long ago is never a trim candidate (ms).</summary>
    public long GracePeriodMs { get; init; } = 60_000;

    /// <summary>Interval of the trim ticker: at most one automatic trim per period (ms).</summary>
    public long SilencePeriodMs { get; init; } = 10_000;

    /// <summary>Interval of the decay ticker that sweeps every peer's decaying tags (ms).</summary>
    public long DecayResolutionMs { get; init; } = 60_000;

    /// <summary>
    /// The library defaults with the watermarks of <paramref name="limits"/>, so that a comparison with
    /// v2 on the same profile differs only in the algorithm.
    /// </summary>
    public static BasicSettings FromLimits(ConnectionLimits limits) =>
        new() { LowWater = limits.LowWater, HighWater = limits.HighWater };

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first invalid setting.</summary>
    public BasicSettings Validate()
    {
        PolicyConfigurationException.Require(LowWater >= 1, "basic.low-water", $"must be at least 1, was {LowWater}");
        PolicyConfigurationException.Require(HighWater > LowWater, "basic.high-water", $"must be above basic.low-water ({LowWater}), was {HighWater}");
        PolicyConfigurationException.Require(GracePeriodMs >= 0, "basic.grace-period", $"must be >= 0, was {GracePeriodMs} ms");
        PolicyConfigurationException.Require(SilencePeriodMs >= 1, "basic.silence-period", $"must be at least 1 ms, was {SilencePeriodMs} ms");
        PolicyConfigurationException.Require(DecayResolutionMs >= 1, "basic.decay-resolution", $"must be at least 1 ms, was {DecayResolutionMs} ms");
        return this;
    }
}
