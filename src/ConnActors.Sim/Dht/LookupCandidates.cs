namespace ConnActors.Sim.Dht;

/// <summary>
/// The candidates of one running lookup, closest to the target first (at most <see cref="Capacity"/>):
/// node, XOR distance, hop depth at which it was learnt, and whether it was asked and answered. A candidate the own-trim
/// hold kept the lookup from asking (<see cref="MarkHeld"/>) counts as failed until <see cref="ReviveNeededHeld"/> puts it back.
/// </summary>
internal sealed class LookupCandidates
{
    public const int Capacity = 64;
    private const byte Fresh = 0, Answered = 1, Failed = 2, Held = 3, FreshPastHold = 4;
    private readonly int[] _node = new int[Capacity];
    private readonly ulong[] _distance = new ulong[Capacity];
    private readonly byte[] _depth = new byte[Capacity];
    private readonly byte[] _state = new byte[Capacity];

    public int Count { get; private set; }

    public int NodeAt(int i) => _node[i];

    public int DepthAt(int i) => _depth[i];

    public void Clear() => Count = 0;

    public bool IsFresh(int i) => _state[i] is Fresh or FreshPastHold;

    public bool IsFailed(int i) => _state[i] is Failed or Held;

    /// <summary>The candidate was put back by <see cref="ReviveNeededHeld"/>: its query may pass the own-trim hold.</summary>
    public bool PassesHold(int i) => _state[i] == FreshPastHold;

    public void MarkAnswered(int i) => _state[i] = Answered;

    public void MarkFailed(int i) => _state[i] = Failed;

    /// <summary>The own-trim hold refused the query (a candidate asked past the hold fails as any other).</summary>
    public void MarkHeld(int i) => _state[i] = _state[i] == FreshPastHold ? Failed : Held;

    /// <summary>
    /// Puts back, to be asked past the hold, every held candidate with fewer than <paramref name="among"/> answers closer to the
    /// key; returns how many.
    /// </summary>
    public int ReviveNeededHeld(int among)
    {
        int revived = 0, closerAnswers = 0;
        for (int i = 0; i < Count && closerAnswers < among; i++)
        {
            if (_state[i] == Answered) closerAnswers++;
            else if (_state[i] == Held)
            {
                _state[i] = FreshPastHold;
                revived++;
            }
        }
        return revived;
    }

    public void Add(int peer, ulong distance, int depth)
    {
        for (int i = 0; i < Count; i++) if (_node[i] == peer) return;
        int pos = Count;
        if (pos == Capacity)
        {
            if (distance >= _distance[pos - 1]) return;
            pos--;
        }
        else Count++;
        while (pos > 0 && _distance[pos - 1] > distance)
        {
            _node[pos] = _node[pos - 1];
            _distance[pos] = _distance[pos - 1];
            _depth[pos] = _depth[pos - 1];
            _state[pos] = _state[pos - 1];
            pos--;
        }
        _node[pos] = peer;
        _distance[pos] = distance;
        _depth[pos] = (byte)Math.Min(depth, 255);
        _state[pos] = Fresh;
    }

    /// <summary>The closest candidate not asked yet among the <paramref name="window"/> closest that did not fail, or -1.</summary>
    public int NextFresh(int window = int.MaxValue)
    {
        int considered = 0;
        for (int i = 0; i < Count && considered < window; i++)
        {
            if (IsFailed(i)) continue;
            if (IsFresh(i)) return i;
            considered++;
        }
        return -1;
    }

    /// <summary>Done when the <paramref name="resiliency"/> closest candidates that did not fail have all answered.</summary>
    public bool Converged(int resiliency)
    {
        int seen = 0;
        for (int i = 0; i < Count && seen < resiliency; i++)
        {
            if (IsFailed(i)) continue;
            if (IsFresh(i)) return false;
            seen++;
        }
        return true;
    }

    /// <summary>The closest candidate that answered, or -1.</summary>
    public int BestAnswered()
    {
        for (int i = 0; i < Count; i++) if (_state[i] == Answered) return i;
        return -1;
    }
}
