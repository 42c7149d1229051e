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
/// anything else is evaluated again. The owner checks the first three with <see cref="Validate"/> for
/// each slot whose peer changed (<see cref="Peers.PeerTable.ChangedSlots"/>), so a round reads no
/// entry of an unchanged peer. Time must not go back between rounds.
/// </para>
/// </summary>
internal sealed class ScoreCache
{
    private const int Rounds = 64;
    // Margins that absorb float storage and the rounding of the decay evaluation (far above both).
    private const double Up = 1 + 1e-6, Down = 1 - 1e-6, Slack = 1e-9;
    private static readonly int SignalCount = Enum.GetValues<UsefulnessSignal>().Length;
    private readonly PeerScorer _scorer;
    private readonly int[] _groupOf;
    private readonly double[] _ln2PerHalfLife;
    private readonly int _groups;
    private int[] _keys = [];
    private int[] _rounds = [];
    private float[] _values = [];
    // Per group, Σ w·e^(−y) / Σ w over the signals present (rounded up) and Σ w of them: a second,
    // tighter lower bound (TightLow) for candidates the first cannot rule out.
    private float[] _leftShare = [];
    private float[] _present = [];
    // Allocated with the first round: a node that never trims holds none of it.
    private long[] _roundAtMs = [];
    private double[] _decay = [];
    private int[] _decayOfRound = [];
    private readonly double[] _scratch;
    private readonly double[] _leftScratch;
    private readonly double[] _presentScratch;
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
        _leftScratch = new double[_groups];
        _presentScratch = new double[_groups];
    }

    /// <summary>
    /// The decay rate (per ms) of the usefulness <see cref="Evaluate"/> returned last, averaged over its groups
    /// weighted by their terms: by Jensen (e^(−x) is convex) and the concavity of each term in its decay,
    /// that usefulness Δ ms later is at least itself·e^(−rate·Δ).
    /// </summary>
    public double LastRate { get; private set; }

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
            Array.Resize(ref _leftShare, size * _groups);
            Array.Resize(ref _present, size * _groups);
        }
    }

    /// <summary>
    /// Drops the entry of <paramref name="slot"/> unless it still holds for <paramref name="entry"/>: the same
    /// peer, connected before the entry was written, no signal since. Called for every slot whose entry may
    /// have changed since the last round, before <see cref="TryBound"/> reads it.
    /// </summary>
    public void Validate(int slot, in PeerEntry entry)
    {
        if (_keys[slot] == 0) return;
        if (_keys[slot] != entry.Key + 1 || _round - _rounds[slot] >= Rounds) { _keys[slot] = 0; return; }
        long atMs = _roundAtMs[_rounds[slot] % Rounds];
        bool holds = entry.ConnectedSinceMs < atMs;
        for (int i = 0; i < SignalCount && holds; i++) holds = entry.Signals[i].Raw.LastUpdateMs < atMs;
        if (!holds) _keys[slot] = 0;
    }

    /// <summary>Forgets every entry (the slots will be refilled).</summary>
    public void Clear() => Array.Clear(_keys);

    /// <summary>
    /// Bounds of the usefulness of the peer in <paramref name="slot"/> now; false when it has no entry.
    /// The entry was checked by <see cref="Validate"/> since the peer last changed.
    /// </summary>
    public bool TryBound(int slot, out double low, out double high, out double lowRate)
    {
        low = high = lowRate = 0;
        int written = _rounds[slot];
        if (_keys[slot] == 0 || _round - written >= Rounds) return false;
        long atMs = _roundAtMs[written % Rounds];
        if (_nowMs < atMs) return false;
        int decays = DecaysOf(written % Rounds, atMs);
        int values = slot * _groups;
        double rate = 0;
        for (int g = 0; g < _groups; g++)
        {
            double value = _values[values + g];
            high += value;
            double decayed = value * _decay[decays + g];
            low += decayed;
            rate += decayed * _ln2PerHalfLife[g];
        }
        if (low > 0) lowRate = rate / low;
        high *= Up;
        low *= Down;
        return true;
    }

    /// <summary>
    /// A lower bound of the usefulness of the peer in <paramref name="slot"/> now, tighter than
    /// <see cref="TryBound"/>'s for saturated terms but one exponential per group; only after TryBound
    /// returned true this round. Between signals every y of a group is scaled by the group's decay d, and
    /// Σ w·(1 − e^(−y·d)) = W − Σ w·(e^(−y))^d ≥ W·(1 − r^d) with r = Σ w·e^(−y) / W, W = Σ w, since x ↦ x^d
    /// is concave for d in (0, 1] (Jensen).
    /// </summary>
    public double TightLow(int slot, out double lowRate)
    {
        double rate = 0;
        int decays = DecaysOf(_rounds[slot] % Rounds, _roundAtMs[_rounds[slot] % Rounds]);
        int values = slot * _groups;
        double low = 0;
        for (int g = 0; g < _groups; g++)
        {
            double leftShare = _leftShare[values + g];
            if (leftShare >= 1) continue;
            double term = _present[values + g] * (1 - Math.Pow(leftShare, _decay[decays + g]));
            low += term;
            rate += term * _ln2PerHalfLife[g];
        }
        lowRate = low > 0 ? rate / low : 0;
        return Math.Max(0, low * Down - Slack);
    }

    /// <summary>The exact usefulness of the peer in <paramref name="slot"/> now, remembered for later rounds.</summary>
    public double Evaluate(int slot, in PeerEntry entry)
    {
        double usefulness = _scorer.Usefulness(in entry, _nowMs, _groupOf, _scratch, _leftScratch, _presentScratch);
        double rate = 0, sum = 0;
        for (int g = 0; g < _groups; g++)
        {
            rate += _scratch[g] * _ln2PerHalfLife[g];
            sum += _scratch[g];
        }
        LastRate = sum > 0 ? rate / sum : 0;
        _keys[slot] = entry.Key + 1;
        _rounds[slot] = _round;
        int values = slot * _groups;
        for (int g = 0; g < _groups; g++)
        {
            float stored = (float)_scratch[g];
            if (stored < _scratch[g]) stored = MathF.BitIncrement(stored);
            _values[values + g] = stored;
            double present = _presentScratch[g];
            // Present weights are sums of configured weights: stored rounded down (a smaller bound).
            float presentStored = (float)present;
            if (presentStored > present) presentStored = MathF.BitDecrement(presentStored);
            _present[values + g] = presentStored;
            double leftShare = present > 0 ? Math.Min(1, _leftScratch[g] / present) : 1;
            float leftStored = (float)leftShare;
            if (leftStored < leftShare) leftStored = MathF.BitIncrement(leftStored);
            _leftShare[values + g] = Math.Min(1, leftStored);
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
