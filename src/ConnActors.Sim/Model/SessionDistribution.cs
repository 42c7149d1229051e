namespace ConnActors.Sim.Model;

/// <summary>
/// Session lengths drawn by inverse transform from a piecewise log-linear CDF through the measured
/// IPFS points (Trautwein et al., SIGCOMM 2022; ProbeLab RFM2): a floor of 30 s, median 24 min,
/// 87.6% shorter than 8 h, 97.5% shorter than 24 h, none longer than 7 days.
/// </summary>
internal sealed class SessionDistribution
{
    private static readonly (double Ms, double Cdf)[] Measured =
    [
        (30_000, 0.0),
        (24 * 60_000, 0.5),
        (8 * 3_600_000, 0.876),
        (24 * 3_600_000, 0.975),
        (7 * 24 * 3_600_000, 1.0),
    ];

    private readonly double _scale;

    /// <param name="scale">Multiplies every length (churn-storm uses 0.1: ten times the churn).</param>
    public SessionDistribution(double scale = 1.0)
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale));
        _scale = scale;
    }

    public static IReadOnlyList<(double Ms, double Cdf)> Points => Measured;

    public double Scale => _scale;

    /// <summary>The length whose CDF is <paramref name="u"/> in [0, 1).</summary>
    public long SampleMs(double u)
    {
        for (int i = 1; i < Measured.Length; i++)
        {
            if (u > Measured[i].Cdf) continue;
            var (x0, c0) = Measured[i - 1];
            var (x1, c1) = Measured[i];
            double t = (u - c0) / (c1 - c0);
            return (long)(Math.Exp(Math.Log(x0) + t * (Math.Log(x1) - Math.Log(x0))) * _scale);
        }
        return (long)(Measured[^1].Ms * _scale);
    }

    /// <summary>The input CDF at <paramref name="ms"/> (for validation).</summary>
    public double Cdf(double ms)
    {
        double x = ms / _scale;
        if (x <= Measured[0].Ms) return 0;
        for (int i = 1; i < Measured.Length; i++)
        {
            if (x > Measured[i].Ms) continue;
            var (x0, c0) = Measured[i - 1];
            var (x1, c1) = Measured[i];
            return c0 + (c1 - c0) * (Math.Log(x) - Math.Log(x0)) / (Math.Log(x1) - Math.Log(x0));
        }
        return 1;
    }
}
