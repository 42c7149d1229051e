using ConnActors.Policy.Peers;

namespace ConnActors.Policy.Scoring;

/// <summary>
/// Computes a peer's score when a decision needs it (lazy scoring):
/// clamp(clamp(tags) + overlap + outbound bonus − penalty + Σ saturating usefulness components),
/// every decaying term evaluated in closed form at <c>nowMs</c> (<see cref="Trimming.ScoreCache"/> bounds the
/// usefulness sum from an earlier evaluation, for trim rounds).
/// </summary>
internal sealed class PeerScorer
{
    private readonly ScoreSettings _settings;
    private readonly PenaltyLedger _penalties;
    private readonly double _minimum;
    private readonly double _maximum;

    public PeerScorer(ScoreSettings settings, PenaltyLedger penalties)
    {
        _settings = settings;
        _penalties = penalties;
        _minimum = settings.Minimum;
        _maximum = settings.Maximum;
    }

    public ScoreSettings Settings => _settings;

    public double Minimum => _minimum;

    public double Maximum => _maximum;

    public double Score(PeerKey peer, in PeerEntry entry, long nowMs) => Clamp(Static(peer, in entry, nowMs) + Usefulness(in entry, nowMs));

    /// <summary>The score bounded to [<see cref="Minimum"/>, <see cref="Maximum"/>].</summary>
    public double Clamp(double score) => Math.Clamp(score, _minimum, _maximum);

    /// <summary>Everything but the usefulness terms: clamped tags, overlap, outbound bonus, minus the penalty (cheap: no decay but the penalty's).</summary>
    public double Static(PeerKey peer, in PeerEntry entry, long nowMs)
    {
        double score = Math.Clamp(entry.TagSum, -_settings.TagLimit, _settings.TagLimit);
        score += _settings.OverlapWeight * entry.Overlap;
        if (entry.Outbound > 0) score += _settings.OutboundBonus;
        if (_penalties.Count != 0) score -= _penalties.PenaltyOf(peer, nowMs);
        return score;
    }

    /// <summary>The usefulness terms of <paramref name="entry"/> at <paramref name="nowMs"/> (they only decay between signals).</summary>
    public double Usefulness(in PeerEntry entry, long nowMs) => Usefulness(_settings.Signals, in entry.Signals, nowMs);

    /// <summary>
    /// <see cref="Usefulness(in PeerEntry, long)"/> (the same sum, term by term), also added up per group
    /// of signals into <paramref name="byGroup"/> (signal i into group <paramref name="groupOf"/>[i]).
    /// </summary>
    public double Usefulness(in PeerEntry entry, long nowMs, int[] groupOf, Span<double> byGroup)
    {
        byGroup.Clear();
        return Sum(_settings.Signals, in entry.Signals, nowMs, groupOf, byGroup);
    }

    /// <summary>Σ over signals of weight · (1 − e^(−value/saturation)), each value decayed to <paramref name="nowMs"/>.</summary>
    internal static double Usefulness(SignalWeight[] weights, in SignalValues signals, long nowMs) => Sum(weights, in signals, nowMs, null, default);

    private static double Sum(SignalWeight[] weights, in SignalValues signals, long nowMs, int[]? groupOf, Span<double> byGroup)
    {
        double sum = 0;
        long lastMs = long.MinValue;
        double lastHalfLife = double.NaN, lastDecay = 1;
        for (int i = 0; i < weights.Length; i++)
        {
            var (raw, updatedMs) = signals[i].Raw;
            if (raw == 0) continue;
            // Signals recorded together decay together: one exponential for both (the same one ValueAt computes).
            if (updatedMs != lastMs || weights[i].HalfLifeMs != lastHalfLife)
            {
                lastMs = updatedMs;
                lastHalfLife = weights[i].HalfLifeMs;
                lastDecay = DecayingValue.Factor(nowMs - updatedMs, lastHalfLife);
            }
            double value = raw * lastDecay;
            if (value <= 0) continue;
            double term = weights[i].Weight * Saturation(value / weights[i].Saturation);
            sum += term;
            if (groupOf is not null) byGroup[groupOf[i]] += term;
        }
        return sum;
    }

    /// <summary>1 − e^(−y): by its series when y is tiny, where it is cheaper and does not cancel.</summary>
    internal static double Saturation(double y) =>
        y < 1e-3 ? y * (1 - y * (0.5 - y * (1.0 / 6 - y * (1.0 / 24)))) : 1 - Math.Exp(-y);
}
