using ConnActors.Policy.Peers;

namespace ConnActors.Policy.Scoring;

/// <summary>
/// Computes a peer's score when a decision needs it (lazy scoring):
/// clamp(tags) + Σ saturating usefulness components + overlap + outbound bonus − penalty,
/// every decaying term evaluated in closed form at <c>nowMs</c>.
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

    public double Score(PeerKey peer, in PeerEntry entry, long nowMs)
    {
        double score = Math.Clamp(entry.TagSum, -_settings.TagLimit, _settings.TagLimit);
        score += Usefulness(_settings.Signals, in entry.Signals, nowMs);
        score += _settings.OverlapWeight * entry.Overlap;
        if (entry.Outbound > 0) score += _settings.OutboundBonus;
        if (_penalties.Count != 0) score -= _penalties.PenaltyOf(peer, nowMs);
        return Math.Clamp(score, _minimum, _maximum);
    }

    /// <summary>Σ over signals of weight · (1 − e^(−value/saturation)), each value decayed to <paramref name="nowMs"/>.</summary>
    internal static double Usefulness(SignalWeight[] weights, in SignalValues signals, long nowMs)
    {
        double sum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double value = signals[i].ValueAt(nowMs, weights[i].HalfLifeMs);
            if (value > 0) sum += weights[i].Weight * (1 - Math.Exp(-value / weights[i].Saturation));
        }
        return sum;
    }
}
