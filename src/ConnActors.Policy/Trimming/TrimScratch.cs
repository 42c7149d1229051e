namespace ConnActors.Policy.Trimming;

/// <summary>
/// The scratch space of a trim round: the candidates' keys, orders and facts, their ranks, the peers in
/// grace, the threshold histogram and the rank sort's buffers (a victim search uses only the peers in grace and its own
/// set-aside candidates). A round never starts inside another on the same
/// thread, so one instance per thread serves every planner there (a simulated network holds a planner per node,
/// and scratch per planner would cost as much as the peers it plans for).
/// </summary>
internal sealed class TrimScratch
{
    public const int HistogramBuckets = 4_096;

    [ThreadStatic] private static TrimScratch? _current;

    public int[] Keys = [];
    public double[] Orders = [];
    public CandidateFacts[] Facts = [];
    public CandidateRank[] Ranks = [];
    // The rank sort's second buffer and its digit counts.
    public CandidateRank[] SortedRanks = [];
    public readonly int[] DigitCounts = new int[RankSort.Digits * RankSort.Radix];
    public GraceEntry[] InGrace = [];
    // The candidates a victim search sets aside until its pass ends (see TrimPlanner.Cheapest).
    public SetAsideVictim[] SetAside = [];
    public readonly int[] Histogram = new int[HistogramBuckets];

    /// <summary>This thread's scratch, whatever room it has.</summary>
    public static TrimScratch ThisThread => _current ??= new TrimScratch();

    /// <summary>This thread's scratch, with room for <paramref name="candidates"/> candidates.</summary>
    public static TrimScratch Reserve(int candidates)
    {
        var s = ThisThread;
        if (s.Keys.Length < candidates)
        {
            int size = Math.Max(candidates, s.Keys.Length * 2);
            s.Keys = new int[size];
            s.Orders = new double[size];
            s.Facts = new CandidateFacts[size];
            s.Ranks = new CandidateRank[size];
            s.SortedRanks = new CandidateRank[size];
        }
        return s;
    }

    public void GrowGrace() => Array.Resize(ref InGrace, Math.Max(16, InGrace.Length * 2));

    public void GrowSetAside() => Array.Resize(ref SetAside, Math.Max(16, SetAside.Length * 2));
}

/// <summary>A candidate in grace: when it connected and its slot.</summary>
internal readonly record struct GraceEntry(long ConnectedSinceMs, int Slot) : IComparable<GraceEntry>
{
    public int CompareTo(GraceEntry other)
    {
        int byTime = ConnectedSinceMs.CompareTo(other.ConnectedSinceMs);
        return byTime != 0 ? byTime : Slot.CompareTo(other.Slot);
    }
}

/// <summary>
/// What a round's checks and plan need of a candidate, copied by the pass: its slot, its connections, those not already
/// closing, its outbound ones, its subsystem claims and its score.
/// </summary>
internal readonly record struct CandidateFacts(int Slot, int Connections, int Open, int Outbound, uint Claims, double Score);

/// <summary>A victim search's candidate whose eligibility waits for the pass's count of outbound connections: its exact order, key and outbound connections.</summary>
internal readonly record struct SetAsideVictim(double Order, int Key, int Outbound);
