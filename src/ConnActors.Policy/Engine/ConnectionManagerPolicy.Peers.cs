using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Engine;

public sealed partial class ConnectionManagerPolicy
{
    /// <summary>
    /// False when another friend or protected peer would not fit: privileged records are never dropped, so
    /// at most <c>peers.max-records</c> less the hard cap of them are held (connected peers always fit).
    /// </summary>
    public bool CanHoldAnotherPrivilegedPeer => _privilegedPeers < _peers.MaxRecords - Limits.HardCap;

    /// <summary>True when <paramref name="peer"/> is a friend (an own-trim hold does not apply to it).</summary>
    public bool IsFriend(PeerKey peer)
    {
        ref var entry = ref _peers.Get(peer);
        return !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) && entry.IsFriend;
    }

    /// <inheritdoc />
    public void SetFriend(PeerKey peer, bool isFriend, long nowMs)
    {
        ref var entry = ref _peers.Track(peer);
        bool was = IsPrivileged(in entry);
        entry.IsFriend = isFriend;
        ShiftPrivilege(in entry, was);
        _peers.Settle(peer, nowMs);
    }

    /// <summary>Protects the peer (never trimmed) or lifts its protection; the names of protections are the caller's.</summary>
    public void SetProtected(PeerKey peer, bool isProtected, long nowMs)
    {
        ref var entry = ref _peers.Track(peer);
        bool was = IsPrivileged(in entry);
        entry.IsProtected = isProtected;
        ShiftPrivilege(in entry, was);
        _peers.Settle(peer, nowMs);
    }

    /// <inheritdoc />
    public void SetTag(PeerKey peer, int tag, int value, long nowMs)
    {
        ref var entry = ref _peers.Track(peer);
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_tags, peer.Value, out _);
        var tags = slot ??= new List<(int Tag, int Value)>(2);
        int old = 0;
        int at = tags.Count - 1;
        while (at >= 0 && tags[at].Tag != tag) at--;
        if (at >= 0)
        {
            old = tags[at].Value;
            if (value == 0) tags.RemoveAt(at); else tags[at] = (tag, value);
        }
        else if (value != 0) tags.Add((tag, value));
        if (tags.Count == 0) _tags.Remove(peer.Value);
        entry.TagSum += value - old;
        entry.HasTags = tags.Count > 0;
        _peers.Settle(peer, nowMs);
    }

    /// <inheritdoc />
    public void RecordSignal(PeerKey peer, UsefulnessSignal signal, double amount, long nowMs)
    {
        if (!(amount >= 0) || !double.IsFinite(amount)) throw new ArgumentOutOfRangeException(nameof(amount), "a signal amount is a finite number >= 0");
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)) return;
        int i = (int)signal;
        entry.Signals[i].Add(amount, nowMs, Settings.Scoring.Signals[i].HalfLifeMs);
    }

    /// <summary>Sets the overlap of the peer's protocols/topics with ours, in [0, 1].</summary>
    public void SetOverlap(PeerKey peer, double overlap)
    {
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)) return;
        entry.Overlap = (float)Math.Clamp(overlap, 0, 1);
    }

    /// <summary>Penalizes the peer (misbehaviour, bye violation); remembered after it disconnects, for the retention time.</summary>
    public void Penalize(PeerKey peer, double amount, long nowMs)
    {
        _penalties.Penalize(peer, amount, nowMs);
        RetainRecord(peer, nowMs + Settings.Scoring.PenaltyRetentionMs, nowMs);
    }

    /// <summary>Restores a persisted penalty (the peer's record is kept until the penalty's retention ends).</summary>
    public void RestorePenalty(RetainedPenalty penalty, long nowMs)
    {
        if (penalty.RetainUntilMs <= nowMs) return;
        _penalties.Restore(penalty);
        RetainRecord(penalty.Peer, penalty.RetainUntilMs, nowMs);
    }

    /// <summary>A penalty recorded by another member: taken when it weighs more now than the peer's own.</summary>
    public bool MergePenalty(RetainedPenalty penalty, long nowMs)
    {
        if (!_penalties.Merge(penalty, nowMs)) return false;
        RetainRecord(penalty.Peer, penalty.RetainUntilMs, nowMs);
        return true;
    }

    /// <summary>Locks the peer against trims until <paramref name="untilMs"/> (a stream lock protects its connection).</summary>
    public void Lock(PeerKey peer, long untilMs, long nowMs)
    {
        ref var entry = ref _peers.Track(peer);
        entry.LockedUntilMs = Math.Max(entry.LockedUntilMs, untilMs);
        _peers.Settle(peer, nowMs);
    }

    /// <summary>Revokes a lock early (the manager needs the slot).</summary>
    public void RevokeLock(PeerKey peer, long nowMs)
    {
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)) return;
        entry.LockedUntilMs = 0;
        _peers.Settle(peer, nowMs);
    }

    /// <summary>True while the policy keeps a record of <paramref name="peer"/>.</summary>
    public bool Remembers(PeerKey peer) => _peers.IsTracked(peer);

    /// <summary>Drops the records of idle peers whose time is up (run on every regulation tick).</summary>
    public int ExpireRecords(long nowMs) => _peers.ExpireDue(nowMs);

    /// <summary>Keeps the peer's record at least until <paramref name="untilMs"/> (a bye obligation the owner keys by it).</summary>
    public void Retain(PeerKey peer, long untilMs, long nowMs) => RetainRecord(peer, untilMs, nowMs);

    private void RetainRecord(PeerKey peer, long untilMs, long nowMs)
    {
        ref var entry = ref _peers.Track(peer);
        entry.RetainUntilMs = Math.Max(entry.RetainUntilMs, untilMs);
        _peers.Settle(peer, nowMs);
    }
}
