namespace ConnActors.Policy.Scoring;

/// <summary>
/// Weights of the score components. Each usefulness component saturates:
/// contribution = weight * (1 - exp(-value / saturation)), so it lies in [0, weight) whatever a peer
/// does, and the whole score stays in [<see cref="Minimum"/>, <see cref="Maximum"/>].
/// </summary>
public sealed record ScoreSettings
{
    /// <summary>Defaults.</summary>
    public static ScoreSettings Default { get; } = new();

    /// <summary>Weight, half-life (ms) and saturation of each <see cref="UsefulnessSignal"/>, indexed by it.</summary>
    public SignalWeight[] Signals { get; init; } =
    [
        new(Weight: 20, HalfLifeMs: 10 * 60_000, Saturation: 20),          // streams opened
        new(Weight: 20, HalfLifeMs: 10 * 60_000, Saturation: 4 << 20),     // bytes
        new(Weight: 30, HalfLifeMs: 30 * 60_000, Saturation: 10),          // successful queries
        new(Weight: 30, HalfLifeMs: 30 * 60_000, Saturation: 10),          // first deliveries
    ];

    /// <summary>Weight of the overlap of the peer's protocols/topics with ours (overlap given in [0, 1]).</summary>
    public double OverlapWeight { get; init; } = 25;

    /// <summary>Bonus for a peer we dialed: we chose it, and outbound slots are the scarce ones.</summary>
    public double OutboundBonus { get; init; } = 10;

    /// <summary>Static tags sum is clamped to [-<see cref="TagLimit"/>, <see cref="TagLimit"/>].</summary>
    public double TagLimit { get; init; } = 100;

    /// <summary>Half-life of penalties in milliseconds.</summary>
    public double PenaltyHalfLifeMs { get; init; } = 60 * 60_000;

    /// <summary>How long a penalty is remembered after the peer disconnects, in milliseconds.</summary>
    public long PenaltyRetentionMs { get; init; } = 24 * 3_600_000L;

    /// <summary>A peer whose penalty is at or above this is refused admission.</summary>
    public double PenaltyBarThreshold { get; init; } = 100;

    /// <summary>Penalty for a peer that redials us inside the backoff our bye asked for.</summary>
    public double ByeViolationPenalty { get; init; } = 50;

    /// <summary>Penalties are clamped to this.</summary>
    public double PenaltyLimit { get; init; } = 200;

    /// <summary>Lowest possible score.</summary>
    public double Minimum => -TagLimit - PenaltyLimit;

    /// <summary>Highest possible score.</summary>
    public double Maximum
    {
        get
        {
            double sum = TagLimit + OverlapWeight + OutboundBonus;
            foreach (var signal in Signals) sum += signal.Weight;
            return sum;
        }
    }

    /// <summary>The configuration name of a signal: <c>StreamOpened</c> is <c>streams-opened</c>, and so on.</summary>
    public static string SignalKey(UsefulnessSignal signal) => signal switch
    {
        UsefulnessSignal.StreamOpened => "streams-opened",
        UsefulnessSignal.BytesTransferred => "bytes-transferred",
        UsefulnessSignal.SuccessfulQuery => "successful-queries",
        UsefulnessSignal.FirstDelivery => "first-deliveries",
        _ => throw new ArgumentOutOfRangeException(nameof(signal)),
    };

    /// <summary>Throws <see cref="PolicyConfigurationException"/> naming the first invalid setting.</summary>
    public ScoreSettings Validate()
    {
        if (Signals.Length != Enum.GetValues<UsefulnessSignal>().Length)
            throw new PolicyConfigurationException("scoring.signals", $"expected one weight per signal ({Enum.GetValues<UsefulnessSignal>().Length}), got {Signals.Length}");
        for (int i = 0; i < Signals.Length; i++)
        {
            string name = SignalKey((UsefulnessSignal)i);
            var s = Signals[i];
            if (!(s.Weight >= 0 && double.IsFinite(s.Weight))) throw new PolicyConfigurationException($"scoring.signals.{name}.weight", $"must be a finite number >= 0, was {s.Weight}");
            if (!(s.HalfLifeMs > 0)) throw new PolicyConfigurationException($"scoring.signals.{name}.half-life", $"must be positive, was {s.HalfLifeMs} ms");
            if (!(s.Saturation > 0)) throw new PolicyConfigurationException($"scoring.signals.{name}.saturation", $"must be positive, was {s.Saturation}");
        }
        if (!(OverlapWeight >= 0)) throw new PolicyConfigurationException("scoring.overlap-weight", $"must be >= 0, was {OverlapWeight}");
        if (!(OutboundBonus >= 0)) throw new PolicyConfigurationException("scoring.outbound-bonus", $"must be >= 0, was {OutboundBonus}");
        if (!(TagLimit >= 0)) throw new PolicyConfigurationException("scoring.tag-limit", $"must be >= 0, was {TagLimit}");
        if (!(PenaltyHalfLifeMs > 0)) throw new PolicyConfigurationException("scoring.penalty-half-life", $"must be positive, was {PenaltyHalfLifeMs} ms");
        if (PenaltyRetentionMs < 0) throw new PolicyConfigurationException("scoring.penalty-retention", $"must be >= 0, was {PenaltyRetentionMs} ms");
        if (!(ByeViolationPenalty >= 0)) throw new PolicyConfigurationException("scoring.bye-violation-penalty", $"must be >= 0, was {ByeViolationPenalty}");
        if (!(PenaltyLimit > 0)) throw new PolicyConfigurationException("scoring.penalty-limit", $"must be positive, was {PenaltyLimit}");
        if (!(PenaltyBarThreshold > 0 && PenaltyBarThreshold <= PenaltyLimit))
            throw new PolicyConfigurationException("scoring.penalty-bar-threshold", $"must be in (0, scoring.penalty-limit = {PenaltyLimit}], was {PenaltyBarThreshold}");
        return this;
    }
}

/// <summary>Weight, half-life and saturation of one usefulness signal.</summary>
public readonly record struct SignalWeight(double Weight, double HalfLifeMs, double Saturation);
