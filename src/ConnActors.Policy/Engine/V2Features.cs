namespace ConnActors.Policy.Engine;

/// <summary>
/// Switches for the v2 design choices, so the simulator and benchmarks can measure each one by turning
/// it off (ablation). Everything is on in production.
/// </summary>
public sealed record V2Features
{
    /// <summary>All features on.</summary>
    public static V2Features All { get; } = new();

    /// <summary>
    /// The burst model: running bursts are absorbed above high water, a finished burst releases the
    /// connections it opened that nothing else uses (above low water) and lingering ones after
    /// regulation.burst-linger,
    /// arrival spikes start early rounds. Off: bursts are ordinary connections.
    /// </summary>
    public bool BurstModel { get; init; } = true;

    /// <summary>
    /// Lazy scoring: scores are computed only for candidates of a round. Off: every tracked peer's score
    /// is recomputed each minute of simulated time in <see cref="ConnectionManagerPolicy.Tick"/>, as an
    /// eager design would (decisions are the same; the work is what changes).
    /// </summary>
    public bool LazyScoring { get; init; } = true;

    /// <summary>
    /// Inbound rate caps at or above high water (<see cref="Limits.ConnectionLimits.InboundRateAboveHighWater"/>,
    /// <see cref="Limits.SubnetLimits.IntervalAboveHighWaterMs"/>). Off: a full node admits unknown inbound
    /// up to its caps and trims it afterwards.
    /// </summary>
    public bool InboundRateCapAboveHighWater { get; init; } = true;
}
