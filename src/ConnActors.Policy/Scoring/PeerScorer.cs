using ConnActors.Policy.Peers;

namespace ConnActors.Policy.Scoring;

/// <summary>
/// Computes a peer's score when a decision needs it (lazy scoring):
/// clamp(clamp(tags) + overlap + outbound bonus − penalty + Σ saturating usefulness components),
/// every decaying term evaluated in closed form at <c>nowMs</c> (<see cref="UsefulnessTerms"/>: the four signals
/// as one vector).
/// </summary>
internal sealed class PeerScorer
{
    private readonly ScoreSettings _settings;
    private readonly PenaltyLedger _penalties;
    private readonly double _minimum;
    private readonly double _maximum;
    private readonly UsefulnessTerms _usefulness;

    public PeerScorer(ScoreSettings settings, PenaltyLedger penalties)
    {
        _settings = settings;
        _penalties = penalties;
        _minimum = settings.Minimum;
        _maximum = settings.Maximum;
        _usefulness = new UsefulnessTerms(settings.Signals);
    }

    public ScoreSettings Settings => _settings;

    public double Minimum => _minimum;

    public double Maximum => _maximum;

    public double Score(PeerKey peer, in PeerEntry entry, long nowMs) => Clamp(Static(peer, in entry, nowMs) + Usefulness(in entry, nowMs));

    /// <summary>The score of <paramref name="entry"/> from its <see cref="Static"/> part <paramref name="staticScore"/>: <see cref="Score"/> to the bit.</summary>
    public double ScoreFrom(double staticScore, in PeerEntry entry, long nowMs) => Clamp(staticScore + Usefulness(in entry, nowMs));

    /// <summary>At most the score, from its <see cref="Static"/> part alone (no usefulness term is negative).</summary>
    public double FloorFrom(double staticScore) => Clamp(staticScore + _usefulness.Floor);

    /// <summary>At most the score and at least <see cref="FloorFrom"/>: the static part plus a lower bound of the usefulness terms (<see cref="UsefulnessTerms.LowerBound"/>, no exponential).</summary>
    public double LowerBoundFrom(double staticScore, in PeerEntry entry, long nowMs) => Clamp(staticScore + _usefulness.LowerBound(in entry.Signals, nowMs));

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
    public double Usefulness(in PeerEntry entry, long nowMs) => _usefulness.Sum(in entry.Signals, nowMs);

}
