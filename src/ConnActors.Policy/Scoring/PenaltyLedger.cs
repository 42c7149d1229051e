namespace ConnActors.Policy.Scoring;

/// <summary>
/// Penalties (misbehaviour, bye violations) per peer, decaying with their half-life and remembered
/// after the peer disconnects until the retention time has passed. Entries are dropped lazily when
/// read after expiry and in an amortized pass, never by a periodic sweep.
/// </summary>
public sealed class PenaltyLedger
{
    private readonly ScoreSettings _settings;
    private readonly Dictionary<int, Entry> _entries = new();
    private int _writesSinceCleanup;

    /// <summary>Creates an empty ledger.</summary>
    public PenaltyLedger(ScoreSettings settings) => _settings = settings;

    /// <summary>Number of peers with a remembered penalty.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds a penalty of <paramref name="amount"/> to <paramref name="peer"/>.</summary>
    public void Penalize(PeerKey peer, double amount, long nowMs)
    {
        if (!(amount > 0)) throw new ArgumentOutOfRangeException(nameof(amount), "a penalty is positive");
        MaybeCleanup(nowMs);
        ref var entry = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_entries, peer.Value, out _);
        _peak = Math.Max(_peak, _entries.Count);
        double current = entry.Value.ValueAt(nowMs, _settings.PenaltyHalfLifeMs);
        double added = Math.Min(amount, _settings.PenaltyLimit - current);
        entry.Value.Add(Math.Max(0, added), nowMs, _settings.PenaltyHalfLifeMs);
        entry.RetainUntilMs = nowMs + _settings.PenaltyRetentionMs;
    }

    /// <summary>The peer's current penalty (0 when none is remembered).</summary>
    public double PenaltyOf(PeerKey peer, long nowMs)
    {
        if (!_entries.TryGetValue(peer.Value, out var entry)) return 0;
        if (entry.RetainUntilMs <= nowMs) return 0;
        return entry.Value.ValueAt(nowMs, _settings.PenaltyHalfLifeMs);
    }

    /// <summary>True when the peer's penalty bars it from being admitted.</summary>
    public bool IsBarred(PeerKey peer, long nowMs) => _entries.Count != 0 && PenaltyOf(peer, nowMs) >= _settings.PenaltyBarThreshold;

    /// <summary>The peer's penalty as persisted, when one is still retained at <paramref name="nowMs"/>.</summary>
    public RetainedPenalty? Retained(PeerKey peer, long nowMs)
    {
        if (!_entries.TryGetValue(peer.Value, out var entry) || entry.RetainUntilMs <= nowMs) return null;
        var (value, last) = entry.Value.Raw;
        return new RetainedPenalty(peer, value, last, entry.RetainUntilMs);
    }

    /// <summary>The penalties still retained at <paramref name="nowMs"/>, for persistence.</summary>
    public IEnumerable<RetainedPenalty> Snapshot(long nowMs)
    {
        foreach (var (peer, entry) in _entries)
        {
            if (entry.RetainUntilMs <= nowMs) continue;
            var (value, last) = entry.Value.Raw;
            yield return new RetainedPenalty(new PeerKey(peer), value, last, entry.RetainUntilMs);
        }
    }

    /// <summary>Forgets the peer's penalty (its record is dropped).</summary>
    public void Forget(PeerKey peer)
    {
        if (!_entries.Remove(peer.Value)) return;
        if (_peak > 1024 && _entries.Count < _peak / 4)
        {
            _entries.TrimExcess();
            _peak = _entries.Count;
        }
    }

    private int _peak;

    /// <summary>
    /// Takes <paramref name="penalty"/> (from another member of the fleet) when it weighs more now than the
    /// peer's own; returns whether it did. It weighs at most what a penalty recorded here may: a value that is not a
    /// positive number is refused, and one above the limit, stamped later than now or retained longer than the
    /// retention is cut to them (a member's word is not a ban for ever).
    /// </summary>
    public bool Merge(RetainedPenalty penalty, long nowMs)
    {
        if (!(penalty.Value > 0) || !double.IsFinite(penalty.Value)) return false;
        penalty = penalty with
        {
            Value = Math.Min(penalty.Value, _settings.PenaltyLimit),
            LastUpdateMs = Math.Min(penalty.LastUpdateMs, nowMs),
            RetainUntilMs = Math.Min(penalty.RetainUntilMs, nowMs + _settings.PenaltyRetentionMs),
        };
        if (penalty.RetainUntilMs <= nowMs) return false;
        double theirs = DecayingValue.FromRaw(penalty.Value, penalty.LastUpdateMs).ValueAt(nowMs, _settings.PenaltyHalfLifeMs);
        if (theirs <= PenaltyOf(penalty.Peer, nowMs)) return false;
        Restore(penalty);
        return true;
    }

    /// <summary>Restores a persisted penalty.</summary>
    public void Restore(RetainedPenalty penalty) =>
        _entries[penalty.Peer.Value] = new Entry
        {
            Value = DecayingValue.FromRaw(penalty.Value, penalty.LastUpdateMs),
            RetainUntilMs = penalty.RetainUntilMs,
        };

    private void MaybeCleanup(long nowMs)
    {
        if (++_writesSinceCleanup < 1024) return;
        _writesSinceCleanup = 0;
        foreach (var (peer, entry) in _entries)
        {
            if (entry.RetainUntilMs <= nowMs) _entries.Remove(peer);
        }
    }

    private struct Entry
    {
        public DecayingValue Value;
        public long RetainUntilMs;
    }
}

/// <summary>A penalty as persisted: its value at <paramref name="LastUpdateMs"/> and when it is forgotten.</summary>
public sealed record RetainedPenalty(PeerKey Peer, double Value, long LastUpdateMs, long RetainUntilMs);
