using ConnActors.Policy.Peers;
using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Trimming;

/// <summary>
/// What a trim round reads of each tracked peer, kept compact by peer-table slot (about 40 B a slot
/// instead of the 156 B entry) and brought up to date at the start of each round from the slots whose
/// entry changed since the last one (<see cref="PeerTable.ChangedSlots"/>), so a round reads no entry of
/// a peer that did not change: whether the peer can be a candidate at all, its burst, claim and penalty
/// flags, when it connected and until when it is locked, its outbound connections and the part of its
/// score that does not decay. The time-dependent parts (grace, locks, decay, penalties) are evaluated by
/// the round from these values. The slots changed are also the ones whose cached usefulness bounds
/// (<see cref="ScoreCache"/>) are checked again.
/// </summary>
internal sealed class TrimIndex
{
    /// <summary><see cref="States"/> bits.</summary>
    public const byte Candidate = 1, InBurst = 2, Claimed = 4, Penalized = 8;

    private readonly PeerTable _peers;
    private readonly PeerScorer _scorer;
    private readonly ScoreCache _cache;
    private bool _built;

    public byte[] States = [];
    public int[] Keys = [];
    public int[] Outbound = [];
    public long[] ConnectedSinceMs = [];
    public long[] LockedUntilMs = [];
    public double[] Unpenalized = [];
    // Until when the planner may leave this candidate out of a round (0: visit it): set by the planner
    // for a candidate whose order cannot come down to its skip level before then; reset when the peer changes.
    public long[] VisitAfterMs = [];

    public TrimIndex(PeerTable peers, PeerScorer scorer, ScoreCache cache)
    {
        _peers = peers;
        _scorer = scorer;
        _cache = cache;
    }

    /// <summary>Slots refreshed by the last <see cref="Refresh"/> (for tests and metrics).</summary>
    public int LastRefreshed { get; private set; }

    /// <summary>Brings every slot below the table's count up to date; call after <see cref="ScoreCache.BeginRound"/>.</summary>
    public void Refresh()
    {
        int count = _peers.TrackedCount;
        if (States.Length < count) Grow(count);
        if (!_built || _peers.AllChanged)
        {
            for (int slot = 0; slot < count; slot++) Read(slot);
            LastRefreshed = count;
            _built = true;
        }
        else
        {
            int refreshed = 0;
            foreach (int slot in _peers.ChangedSlots)
            {
                if (slot >= count) continue;
                Read(slot);
                refreshed++;
            }
            LastRefreshed = refreshed;
        }
        _peers.ClearChanges();
    }

    private void Read(int slot)
    {
        ref readonly var entry = ref _peers.At(slot);
        _cache.Validate(slot, in entry);
        Keys[slot] = entry.Key;
        VisitAfterMs[slot] = 0;
        if (entry.OpenConnections == 0 || entry.IsPrivileged)
        {
            States[slot] = 0;
            Outbound[slot] = 0;
            return;
        }
        byte state = Candidate;
        if (entry.ActiveBursts > 0) state |= InBurst;
        if (entry.SubsystemClaims != 0) state |= Claimed;
        if (_scorer.HasPenalty(new PeerKey(entry.Key))) state |= Penalized;
        States[slot] = state;
        Outbound[slot] = entry.Outbound;
        ConnectedSinceMs[slot] = entry.ConnectedSinceMs;
        LockedUntilMs[slot] = entry.LockedUntilMs;
        Unpenalized[slot] = _scorer.Unpenalized(in entry);
    }

    private void Grow(int count)
    {
        int size = Math.Max(count, States.Length * 2);
        Array.Resize(ref States, size);
        Array.Resize(ref Keys, size);
        Array.Resize(ref Outbound, size);
        Array.Resize(ref ConnectedSinceMs, size);
        Array.Resize(ref LockedUntilMs, size);
        Array.Resize(ref Unpenalized, size);
        Array.Resize(ref VisitAfterMs, size);
    }
}
