namespace ConnActors.Sim.Metrics;

/// <summary>
/// A fixed-memory histogram over [0, max): linear bins of width <paramref name="binWidth"/>. Quantiles
/// are read at bin midpoints (resolution = bin width); values at or above max land in the last bin.
/// </summary>
internal sealed class Histogram(double binWidth, int bins)
{
    private readonly long[] _counts = new long[bins];

    public long Count { get; private set; }

    public double Sum { get; private set; }

    public double Mean => Count == 0 ? double.NaN : Sum / Count;

    public void Add(double value)
    {
        int bin = value <= 0 ? 0 : (int)Math.Min(bins - 1, value / binWidth);
        _counts[bin]++;
        Count++;
        Sum += value;
    }

    /// <summary>The value below which a share <paramref name="q"/> of the samples fall (NaN when empty).</summary>
    public double Quantile(double q)
    {
        if (Count == 0) return double.NaN;
        long rank = (long)Math.Ceiling(q * Count);
        long seen = 0;
        for (int i = 0; i < bins; i++)
        {
            seen += _counts[i];
            if (seen >= Math.Max(1, rank)) return (i + 0.5) * binWidth;
        }
        return (bins - 0.5) * binWidth;
    }

    /// <summary>Share of samples in bin <paramref name="bin"/>.</summary>
    public double BinShare(int bin) => Count == 0 ? double.NaN : _counts[bin] / (double)Count;

    /// <summary>Share of samples below <paramref name="value"/> (bin resolution).</summary>
    public double ShareBelow(double value)
    {
        if (Count == 0) return double.NaN;
        long below = 0;
        int limit = (int)Math.Min(bins, value / binWidth);
        for (int i = 0; i < limit; i++) below += _counts[i];
        return below / (double)Count;
    }
}
