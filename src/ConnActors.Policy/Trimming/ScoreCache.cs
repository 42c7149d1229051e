using ConnActors.Policy.Peers;
using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Trimming;

/// <summary>
/// The usefulness of each peer as a round last evaluated it, kept by peer-table slot, so that later
/// rounds bound a peer's score without evaluating its decays (one exponential per signal and per
/// saturation). Between two signals of a peer its usefulness only decays: each term is
/// w·(1 − e^(−v/s)) of a value v halving every half-life h, a function concave and 0 at 0, so Δ ms later
/// the terms of one half-life lie in [u·2^(−Δ/h), u]. Terms are kept summed per half-life, and the decay
/// of each round's entries is computed once per round, not per peer.
/// <para>
/// An entry holds while its slot has the same peer, connected before the entry was written, with no
/// signal at or after that time, and was written in one of the last <see cref="Rounds"/> rounds;
/// anything else is evaluated again. Time must not go back between rounds.
/// </para>
/// </summary>
internal sealed class ScoreCache
{
    private const int Rounds = 64;
    // Margins that absorb float storage and the rounding of the decay evaluation (far above both).
    private const double Up = 1 + 1e-6, Down = 1 - 1e-6;
    private static readonly int SignalCount = Enum.GetValues<UsefulnessSignal>().Length;
    private readonly PeerScorer _scorer;
    private readonly int[] _groupOf;
    private readonly double[] _ln2PerHalfLife;
    private readonly int _groups;
    private int[] _keys = [];
    private int[] _rounds = [];
    private float[] _values = [];
    // Allocated with the first round: a node that never trims holds none of it.
    private long[] _roundAtMs = [];
    private double[] _decay = [];
    private int[] _decayOfRound = [];
    private readonly double[] _scratch;
    private int _round = -1;
    private long _nowMs;

    public ScoreCache(PeerScorer scorer)
    {
        _scorer = scorer;
        var signals = scorer.Settings.Signals;
        var halfLives = signals.Select(s => s.HalfLifeMs).Distinct().ToArray();
        _groups = halfLives.Length;
        _groupOf = signals.Select(s => Array.IndexOf(halfLives, s.HalfLifeMs)).ToArray();
        _ln2PerHalfLife = halfLives.Select(h => Math.Log(2) / h).ToArray();
        _scratch = new double[_groups];
    }

    /// <summary>Starts a round at <paramref name="nowMs"/> over slots 0..<paramref name="slots"/>-1.</summary>
    public void BeginRound(long nowMs, int slots)
    {
        if (_roundAtMs.Length == 0)
        {
            _roundAtMs = new long[Rounds];
            _decay = new double[Rounds * _groups];
            _decayOfRound = new int[Rounds];
            Array.Fill(_decayOfRound, -1);
        }
        _round++;
        _nowMs = nowMs;
        _roundAtMs[_round % Rounds] = nowMs;
        if (_keys.Length < slots)
        {
            int size = Math.Max(slots, _keys.Length * 2);
            Array.Resize(ref _keys, size);
            Array.Resize(ref _rounds, size);
            Array.Resize(ref _values, size * _groups);
        }
    }

    /// <summary>Bounds of the usefulness of the peer in <paramref name="slot"/> now; false when its entry does not hold.</summary>
    public bool TryBound(int slot, in PeerEntry entry, out double low, out double high)
    {
        low = high = 0;
        int written = _rounds[slot];
        if (_keys[slot] != entry.Key + 1 || _round - written >= Rounds) return false;
        long atMs = _roundAtMs[written % Rounds];
        if (entry.ConnectedSinceMs >= atMs || _nowMs < atMs) return false;
        for (int i = 0; i < SignalCount; i++)
        {
            if (entry.Signals[i].Raw.LastUpdateMs >= atMs) return false;
        }
        int decays = DecaysOf(written % Rounds, atMs);
        int values = slot * _groups;
        for (int g = 0; g < _groups; g++)
        {
            double value = _values[values + g];
            high += value;
            low += value * _decay[decays + g];
        }
        high *= Up;
        low *= Down;
        return true;
    }

    /// <summary>The exact usefulness of the peer in <paramref name="slot"/> now, remembered for later rounds.</summary>
    public double Evaluate(int slot, in PeerEntry entry)
    {
        double usefulness = _scorer.Usefulness(in entry, _nowMs, _groupOf, _scratch);
        _keys[slot] = entry.Key + 1;
        _rounds[slot] = _round;
        int values = slot * _groups;
        for (int g = 0; g < _groups; g++)
        {
            float stored = (float)_scratch[g];
            if (stored < _scratch[g]) stored = MathF.BitIncrement(stored);
            _values[values + g] = stored;
        }
        return usefulness;
    }

    // The decay since the round in ring slot r, per group: computed once per round that asks for it.
    private int DecaysOf(int r, long atMs)
    {
        int at = r * _groups;
        if (_decayOfRound[r] == _round) return at;
        _decayOfRound[r] = _round;
        for (int g = 0; g < _groups; g++) _decay[at + g] = Math.Exp(-(_nowMs - atMs) * _ln2PerHalfLife[g]);
        return at;
    }
}
