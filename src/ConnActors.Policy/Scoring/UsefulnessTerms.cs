using System.Runtime.Intrinsics;
using ConnActors.Policy.Peers;

namespace ConnActors.Policy.Scoring;

/// <summary>
/// Σ over the four signals of weight · (1 − e^(−value/saturation)), each value decayed to the time of reading
/// (halving every half-life): the four signals are the four lanes of one 256-bit vector, so a score costs two
/// vector exponentials (the decays, then the saturations) instead of up to eight scalar ones. A trim round scores
/// every candidate, so this is its hot path. <see cref="LowerBound"/> bounds the sum from below with no exponential, so a
/// search for one victim scores exactly only the peers the bound cannot rule out.
/// </summary>
internal sealed class UsefulnessTerms
{
    // Below this y, 1 − e^(−y) is taken from its series: cheaper there and free of cancellation.
    private const double SeriesBelow = 1e-3;
    private readonly Vector256<double> _weight;
    private readonly Vector256<double> _saturation;
    private readonly Vector256<double> _decayRate;
    // The bound holds only for weights that are finite and not negative (what ScoreSettings.Validate asks).
    private readonly bool _boundable;
    // Absolute margin between the bound and the vector sum, far above the rounding of either (about 1e-14 per term).
    private readonly double _slack;

    public UsefulnessTerms(SignalWeight[] weights)
    {
        if (weights.Length != Vector256<double>.Count) throw new ArgumentException($"expected {Vector256<double>.Count} signal weights, got {weights.Length}", nameof(weights));
        _weight = Vector256.Create(weights[0].Weight, weights[1].Weight, weights[2].Weight, weights[3].Weight);
        _saturation = Vector256.Create(weights[0].Saturation, weights[1].Saturation, weights[2].Saturation, weights[3].Saturation);
        // 2^(−t/h) = e^(−t·ln2/h), as DecayingValue computes it.
        _decayRate = Vector256.Create(-Math.Log(2) / weights[0].HalfLifeMs, -Math.Log(2) / weights[1].HalfLifeMs,
            -Math.Log(2) / weights[2].HalfLifeMs, -Math.Log(2) / weights[3].HalfLifeMs);
        _boundable = weights.All(w => w.Weight >= 0 && double.IsFinite(w.Weight));
        _slack = 1e-9 * (1 + weights.Sum(w => Math.Abs(w.Weight)));
    }

    /// <summary>The least the sum can be: 0, or <see cref="double.NegativeInfinity"/> when a weight may be negative.</summary>
    public double Floor => _boundable ? 0 : double.NegativeInfinity;

    /// <summary>The usefulness of <paramref name="signals"/> at <paramref name="nowMs"/>; a signal whose value is not positive adds nothing.</summary>
    public double Sum(in SignalValues signals, long nowMs)
    {
        var (raw0, at0) = signals[0].Raw;
        var (raw1, at1) = signals[1].Raw;
        var (raw2, at2) = signals[2].Raw;
        var (raw3, at3) = signals[3].Raw;
        var raw = Vector256.Create(raw0, raw1, raw2, raw3);
        var elapsed = Vector256.Create((double)(nowMs - at0), nowMs - at1, nowMs - at2, nowMs - at3);
        // No decay for a value recorded now (or, with time going back, later).
        var decay = Vector256.ConditionalSelect(Vector256.GreaterThan(elapsed, Vector256<double>.Zero),
            Vector256.Exp(elapsed * _decayRate), Vector256<double>.One);
        var value = raw * decay;
        var y = value / _saturation;
        var series = y * (Vector256<double>.One - y * (Vector256.Create(0.5) - y * (Vector256.Create(1.0 / 6) - y * Vector256.Create(1.0 / 24))));
        var saturated = Vector256.ConditionalSelect(Vector256.LessThan(y, Vector256.Create(SeriesBelow)), series, Vector256<double>.One - Vector256.Exp(-y));
        var terms = Vector256.ConditionalSelect(Vector256.GreaterThan(value, Vector256<double>.Zero), _weight * saturated, Vector256<double>.Zero);
        return terms.GetElement(0) + terms.GetElement(1) + terms.GetElement(2) + terms.GetElement(3);
    }

    /// <summary>
    /// A lower bound of <see cref="Sum"/> with no exponential: the decay e^x (x ≤ 0) from below by (1 + x/64)^64 (six
    /// squarings; 1 + u ≤ e^u), the saturation 1 − e^(−y) from below by 1 − 1/(1 + y + y²/2 + y³/6 + y⁴/24) (the series
    /// is at most e^y), less a margin for rounding. 0 exactly when no value is positive (the sum is 0 then);
    /// <see cref="Floor"/> when a weight may be negative.
    /// </summary>
    public double LowerBound(in SignalValues signals, long nowMs)
    {
        if (!_boundable) return double.NegativeInfinity;
        var (raw0, at0) = signals[0].Raw;
        var (raw1, at1) = signals[1].Raw;
        var (raw2, at2) = signals[2].Raw;
        var (raw3, at3) = signals[3].Raw;
        var raw = Vector256.Create(raw0, raw1, raw2, raw3);
        if (Vector256.LessThanOrEqualAll(raw, Vector256<double>.Zero)) return 0;
        var elapsed = Vector256.Create((double)(nowMs - at0), nowMs - at1, nowMs - at2, nowMs - at3);
        var root = Vector256.Max(Vector256<double>.One + elapsed * _decayRate * Vector256.Create(1.0 / 64), Vector256<double>.Zero);
        for (int i = 0; i < 6; i++) root *= root;
        var decay = Vector256.ConditionalSelect(Vector256.GreaterThan(elapsed, Vector256<double>.Zero), root, Vector256<double>.One);
        var value = raw * decay;
        var y = value / _saturation;
        var series = y * (Vector256<double>.One + y * (Vector256.Create(0.5) + y * (Vector256.Create(1.0 / 6) + y * Vector256.Create(1.0 / 24))));
        var saturated = Vector256<double>.One - Vector256<double>.One / (Vector256<double>.One + series);
        var terms = Vector256.ConditionalSelect(Vector256.GreaterThan(value, Vector256<double>.Zero), _weight * saturated, Vector256<double>.Zero);
        return Math.Max(0, terms.GetElement(0) + terms.GetElement(1) + terms.GetElement(2) + terms.GetElement(3) - _slack);
    }
}
