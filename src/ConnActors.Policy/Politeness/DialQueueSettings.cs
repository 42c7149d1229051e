using ConnActors.Policy.Limits;

namespace ConnActors.Policy.Politeness;

/// <summary>
/// Settings of the <see cref="DialQueue"/>. The concurrency and rate caps are the resource profile's
/// (<see cref="ConnectionLimits.DialConcurrency"/>, <see cref="ConnectionLimits.DialRatePerSecond"/>),
/// copied with <see cref="WithCapsOf"/> rather than configured twice, so their errors name the
/// <c>limits.*</c> keys. Defaults are those of the desktop profile.
/// </summary>
public sealed record DialQueueSettings
{
    /// <summary>Defaults.</summary>
    public static DialQueueSettings Default { get; } = new();

    /// <summary>The queue settings whose caps are those of <paramref name="limits"/>, other settings as given.</summary>
    public DialQueueSettings WithCapsOf(ConnectionLimits limits) =>
        this with { MaxInFlight = limits.DialConcurrency, DialRatePerSecond = limits.DialRatePerSecond };

    /// <summary>
    /// The settings of the query dials' own queue (a DHT lookup's dials, <c>DialForQuery</c>): the same concurrency and
    /// queue length, and a rate of <see cref="QueryDialsPerSlotPerSecond"/> dials per second per concurrency slot. A lookup
    /// already paces its dials (alpha in flight, and its connections count against the dht quota's maximum), and it needs
    /// about k new connections at once: under the profile's rate (at a hard cap of 64, 4 per second with a burst of 8)
    /// each of those waited in the queue for the tokens of the ones ahead (0.7 s per dial, measured in the DHT side by
    /// side), which made a lookup take seconds. The profile's rate still paces the manager's own dials.
    /// </summary>
    public DialQueueSettings ForQueryDials() =>
        this with { DialRatePerSecond = QueryDialRatePerSecond ?? Math.Max(DialRatePerSecond, MaxInFlight * QueryDialsPerSlotPerSecond) };

    /// <summary>The query dials' rate when configured (<c>dial.query-rate</c>); null: derived by <see cref="ForQueryDials"/>.</summary>
    public double? QueryDialRatePerSecond { get; init; }

    /// <summary>Query dials per second per concurrency slot: a slot may turn over every 250 ms (a dial across the Internet).</summary>
    public const double QueryDialsPerSlotPerSecond = 4;

    /// <summary>Most queued requests (<c>politeness.dial-queue.max-length</c>). Default 4096.</summary>
    public int MaxLength { get; init; } = 4_096;

    /// <summary>
    /// Waiting this long raises a request's priority by one (<c>politeness.dial-queue.aging-interval</c>).
    /// A request can then be overtaken only by requests queued less than
    /// <c>255 * AgingIntervalMs</c> after it. Default 500 ms (2 points per second: 127.5 s).
    /// </summary>
    public long AgingIntervalMs { get; init; } = 500;

    /// <summary>Largest <see cref="AgingIntervalMs"/>: 1 h, which already lets a request wait 255 h.</summary>
    public const long MaxAgingIntervalMs = 3_600_000;

    /// <summary>Most dials in flight at once (<c>limits.dial-concurrency</c>). Default 24.</summary>
    public int MaxInFlight { get; init; } = 24;

    /// <summary>
    /// Most dials started per second (<c>limits.dial-rate</c>), a token bucket whose burst is
    /// <see cref="MaxInFlight"/>. Default 12.
    /// </summary>
    public double DialRatePerSecond { get; init; } = 12;

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first invalid setting.</summary>
    public DialQueueSettings Validate()
    {
        if (MaxLength < 1)
            throw new PolicyConfigurationException("dial.max-queue", $"must be at least 1, was {MaxLength}");
        if (AgingIntervalMs < 1 || AgingIntervalMs > MaxAgingIntervalMs)
            throw new PolicyConfigurationException("dial.aging-interval",
                $"must be in [1, {MaxAgingIntervalMs}] ms (without aging a low-priority dial can starve), was {AgingIntervalMs} ms");
        if (MaxInFlight < 1)
            throw new PolicyConfigurationException("limits.dial-concurrency", $"must be at least 1, was {MaxInFlight}");
        if (!(DialRatePerSecond > 0 && double.IsFinite(DialRatePerSecond)))
            throw new PolicyConfigurationException("limits.dial-rate", $"must be a positive number of dials per second, was {DialRatePerSecond}");
        if (QueryDialRatePerSecond is { } q && !(q > 0 && double.IsFinite(q)))
            throw new PolicyConfigurationException("dial.query-rate", $"must be a positive number of dials per second, was {q}");
        return this;
    }
}
