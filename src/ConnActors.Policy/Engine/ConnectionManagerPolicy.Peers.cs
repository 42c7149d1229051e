using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Engine;

public sealed partial class ConnectionManagerPolicy
{
    /// <inheritdoc />
    public void SetFriend(PeerKey peer, bool isFriend, long nowMs)
    {
        ref var entry = ref _peers.Track(peer);
        bool was = IsPrivileged(in entry);
        entry.IsFriend = isFriend;
        ShiftPrivilege(in entry, was);
        if (!isFriend) _peers.ForgetIfIdle(peer, nowMs);
    }

    /// <summary>Protects the peer under <paramref name="tag"/> (0..31): never trimmed while any tag holds.</summary>
    public void Protect(PeerKey peer, int tag)
    {
        if ((uint)tag >= 32) throw new ArgumentOutOfRangeException(nameof(tag), "protection tags are 0..31");
        ref var entry = ref _peers.Track(peer);
        bool was = IsPrivileged(in entry);
        entry.ProtectionTags |= 1u << tag;
        ShiftPrivilege(in entry, was);
    }

    /// <summary>Removes one protection tag; returns true if the peer is still protected by another.</summary>
    public bool Unprotect(PeerKey peer, int tag, long nowMs)
    {
        if ((uint)tag >= 32) throw new ArgumentOutOfRangeException(nameof(tag), "protection tags are 0..31");
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)) return false;
        bool was = IsPrivileged(in entry);
        entry.ProtectionTags &= ~(1u << tag);
        ShiftPrivilege(in entry, was);
        bool still = entry.IsProtected;
        _peers.ForgetIfIdle(peer, nowMs);
        return still;
    }

    /// <inheritdoc />
    public void SetTag(PeerKey peer, int tag, int value, long nowMs)
    {
        ref var entry = ref _peers.Track(peer);
        var key = (peer.Value, tag);
        _tags.TryGetValue(key, out int old);
        if (value == 0) _tags.Remove(key); else _tags[key] = value;
        entry.TagSum += value - old;
        if (entry.TagSum == 0) _peers.ForgetIfIdle(peer, nowMs);
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

    /// <summary>Penalizes the peer (misbehaviour, bye violation); remembered after it disconnects.</summary>
    public void Penalize(PeerKey peer, double amount, long nowMs) => _penalties.Penalize(peer, amount, nowMs);

    /// <summary>Locks the peer against trims until <paramref name="untilMs"/> (a stream lock protects its connection).</summary>
    public void Lock(PeerKey peer, long untilMs)
    {
        ref var entry = ref _peers.Track(peer);
        entry.LockedUntilMs = Math.Max(entry.LockedUntilMs, untilMs);
    }

    /// <summary>Revokes a lock early (the manager needs the slot).</summary>
    public void RevokeLock(PeerKey peer, long nowMs)
    {
        ref var entry = ref _peers.Get(peer);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry)) return;
        entry.LockedUntilMs = 0;
        _peers.ForgetIfIdle(peer, nowMs);
    }
}
