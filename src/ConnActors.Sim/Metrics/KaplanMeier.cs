namespace ConnActors.Sim.Metrics;

/// <summary>
/// The Kaplan-Meier estimate of a length distribution from observations some of which are cut off
/// (censored) by the end of the run: a session still running when the simulation stops says only that
/// it lasted at least that long.
/// </summary>
internal sealed class KaplanMeier
{
    private readonly List<(long Length, bool Ended)> _observations = new();

    public int Count => _observations.Count;

    public int Ended => _observations.Count(o => o.Ended);

    public void Add(long length, bool ended) => _observations.Add((length, ended));

    /// <summary>Estimated P(length &lt;= <paramref name="at"/>), NaN when there are no observations.</summary>
    public double Cdf(long at)
    {
        if (_observations.Count == 0) return double.NaN;
        var sorted = _observations.OrderBy(o => o.Length).ThenBy(o => o.Ended ? 0 : 1).ToList();
        double survival = 1;
        int atRisk = sorted.Count;
        int i = 0;
        while (i < sorted.Count && sorted[i].Length <= at)
        {
            long length = sorted[i].Length;
            int ended = 0, leaving = 0;
            while (i < sorted.Count && sorted[i].Length == length)
            {
                if (sorted[i].Ended) ended++;
                leaving++;
                i++;
            }
            if (ended > 0) survival *= 1 - ended / (double)atRisk;
            atRisk -= leaving;
        }
        return 1 - survival;
    }
}
