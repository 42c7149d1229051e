using System.Runtime.InteropServices;
using ConnActors.Policy.Peers;

namespace ConnActors.Policy.Scoring;

/// <summary>
/// One subsystem's own view of how useful its peers are: only what that subsystem reported (queries
/// answered, first deliveries...), decaying and saturating as the node's score does and read lazily.
/// The node's score ranks peers across subsystems for trims; this one ranks a subsystem's peers within
/// its own budget, so that at its maximum it gives up the peer it gets least from.
/// </summary>
/// <typeparam name="TPeer">How the subsystem names peers.</typeparam>
public sealed class SubsystemScorer<TPeer> where TPeer : notnull
{
    private readonly SignalWeight[] _weights;
    private readonly UsefulnessTerms _usefulness;
    private readonly Dictionary<TPeer, SignalValues> _signals = new();

    /// <summary>Weights, half-lives and saturations come from the node's <paramref name="settings"/>.</summary>
    public SubsystemScorer(ScoreSettings settings)
    {
        _weights = settings.Signals;
        _usefulness = new UsefulnessTerms(_weights);
    }

    /// <summary>Peers with a report still remembered.</summary>
    public int Count => _signals.Count;

    /// <summary>Records that <paramref name="peer"/> was useful to the subsystem.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite amount.</exception>
    public void Record(TPeer peer, UsefulnessSignal signal, double amount, long nowMs)
    {
        if (!(amount >= 0) || !double.IsFinite(amount)) throw new ArgumentOutOfRangeException(nameof(amount), "a signal amount is a finite number >= 0");
        ref var values = ref CollectionsMarshal.GetValueRefOrAddDefault(_signals, peer, out _);
        int i = (int)signal;
        values[i].Add(amount, nowMs, _weights[i].HalfLifeMs);
    }

    /// <summary>The peer's usefulness to this subsystem at <paramref name="nowMs"/> (0 when never reported).</summary>
    public double Score(TPeer peer, long nowMs) =>
        _signals.TryGetValue(peer, out var values) ? _usefulness.Sum(in values, nowMs) : 0;

    /// <summary>Forgets a peer the subsystem no longer holds.</summary>
    public void Forget(TPeer peer) => _signals.Remove(peer);

    /// <summary>The least useful of <paramref name="peers"/> (the first one on ties); false when there is none.</summary>
    public bool TryLeastUseful(IEnumerable<TPeer> peers, long nowMs, out TPeer least)
    {
        least = default!;
        double lowest = double.PositiveInfinity;
        bool found = false;
        foreach (var peer in peers)
        {
            double score = Score(peer, nowMs);
            if (found && score >= lowest) continue;
            (least, lowest, found) = (peer, score, true);
        }
        return found;
    }

    /// <summary>
    /// <paramref name="peers"/> with their scores, least useful first; ties keep the given order
    /// (allocates; for queries and replacements, not for hot paths).
    /// </summary>
    public IReadOnlyList<(TPeer Peer, double Score)> Rank(IEnumerable<TPeer> peers, long nowMs) =>
        peers.Select(p => (Peer: p, Score: Score(p, nowMs))).OrderBy(p => p.Score).ToList();
}
