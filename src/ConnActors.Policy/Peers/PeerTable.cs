using System.Runtime.CompilerServices;
using ConnActors.Policy.Collections;

namespace ConnActors.Policy.Peers;

/// <summary>
/// The tracked peers, stored densely in one array (slots 0..Count-1) with a key-to-slot map, so a
/// trim round walks exactly the tracked peers and memory follows their number, whatever the range of
/// the keys (a simulated node of a 1M-node network holds only its own neighbours).
/// <para>
/// A record lives while the peer is in use (connection, dial, running burst) or privileged (friend,
/// protected). Once idle it is dropped at once when there is nothing to remember, otherwise when it
/// expires (<see cref="PeerRecordSettings"/>); at <see cref="MaxRecords"/> the idle record that would
/// expire soonest makes room for a new one. Records in use and privileged records are never dropped.
/// </para>
/// </summary>
internal sealed class PeerTable
{
    private PeerEntry[] _entries;
    private int _count;
    private readonly OpenIntMap<int> _slotOf;
    // Idle records by expiry time; an entry whose time no longer matches its record's is stale and skipped.
    private readonly PriorityQueue<int, long> _expiries = new();
    private readonly long _idleExpiryMs;
    private int _expiriesHighWater;

    public PeerTable(PeerRecordSettings? settings = null, int maxRecords = int.MaxValue, int initialCapacity = 8)
    {
        _idleExpiryMs = (settings ?? PeerRecordSettings.Default).IdleExpiryMs;
        MaxRecords = maxRecords;
        _entries = new PeerEntry[Math.Max(4, initialCapacity)];
        _slotOf = new OpenIntMap<int>(Math.Max(4, initialCapacity));
    }

    /// <summary>Called with a record's key just before it is dropped, so that the owner drops what it keeps for it.</summary>
    public Action<int>? Forgetting { get; set; }

    public int MaxRecords { get; }

    public int TrackedCount => _count;

    /// <summary>Records dropped at the bound before they expired.</summary>
    public long Evicted { get; private set; }

    /// <summary>Records dropped when they expired.</summary>
    public long Expired { get; private set; }

    /// <summary>Bytes the index holds per tracked peer: the entry plus its (key, slot) pair at the index's most common load (about 2/3).</summary>
    public static int BytesPerPeer => Unsafe.SizeOf<PeerEntry>() + 3 * sizeof(int);

    /// <summary>The tracked entries; a slot index is only stable until the next Track or Forget.</summary>
    public Span<PeerEntry> Tracked => _entries.AsSpan(0, _count);

    /// <summary>The entry of <paramref name="peer"/>, tracking it if it was not (making room at the bound).</summary>
    public ref PeerEntry Track(PeerKey peer)
    {
        if (_count >= MaxRecords && !_slotOf.Contains(peer.Value)) EvictOne();
        ref int slot = ref _slotOf.ValueRefOrAdd(peer.Value, out bool exists);
        if (exists) return ref _entries[slot];
        if (_count == _entries.Length) Array.Resize(ref _entries, _entries.Length + Math.Max(8, _entries.Length / 2));
        slot = _count++;
        ref var entry = ref _entries[slot];
        entry = default;
        entry.Key = peer.Value;
        entry.ExpiresAtMs = long.MaxValue;
        return ref entry;
    }

    /// <summary>The entry of <paramref name="peer"/>, or a null reference when it is not tracked.</summary>
    public ref PeerEntry Get(PeerKey peer)
    {
        ref int slot = ref _slotOf.ValueRefOrNull(peer.Value);
        if (Unsafe.IsNullRef(ref slot)) return ref Unsafe.NullRef<PeerEntry>();
        return ref _entries[slot];
    }

    public ref PeerEntry At(int slot) => ref _entries[slot];

    public bool IsTracked(PeerKey peer) => _slotOf.Contains(peer.Value);

    /// <summary>
    /// After a change to <paramref name="peer"/>: a record in use or privileged stays; an idle one is dropped
    /// now when it holds nothing to remember, otherwise it is given its expiry.
    /// </summary>
    public void Settle(PeerKey peer, long nowMs)
    {
        if (!_slotOf.TryGetValue(peer.Value, out int slot)) return;
        ref var entry = ref _entries[slot];
        if (!entry.IsIdle || entry.IsPrivileged)
        {
            entry.ExpiresAtMs = long.MaxValue;
            return;
        }
        bool remember = entry.HasTags || entry.SubsystemClaims != 0 || entry.LockedUntilMs > nowMs || entry.RetainUntilMs > nowMs;
        if (!remember)
        {
            Forget(slot);
            return;
        }
        long expiresAt = Math.Max(nowMs + _idleExpiryMs, entry.RetainUntilMs);
        if (entry.ExpiresAtMs == expiresAt) return;
        entry.ExpiresAtMs = expiresAt;
        _expiries.Enqueue(entry.Key, expiresAt);
        _expiriesHighWater = Math.Max(_expiriesHighWater, _expiries.Count);
    }

    /// <summary>Drops every idle record whose expiry is at or before <paramref name="nowMs"/>; returns how many.</summary>
    public int ExpireDue(long nowMs)
    {
        int dropped = 0;
        while (_expiries.TryPeek(out int key, out long at) && at <= nowMs)
        {
            _expiries.Dequeue();
            if (TryDrop(key, at)) dropped++;
        }
        Expired += dropped;
        ShrinkExpiries();
        return dropped;
    }

    private void EvictOne()
    {
        while (_expiries.TryDequeue(out int key, out long at))
        {
            if (!TryDrop(key, at)) continue;
            Evicted++;
            return;
        }
    }

    // Drops the record of a heap entry unless the entry is stale (record gone, in use, privileged, or given another expiry since).
    private bool TryDrop(int key, long at)
    {
        if (!_slotOf.TryGetValue(key, out int slot)) return false;
        ref var entry = ref _entries[slot];
        if (entry.ExpiresAtMs != at || !entry.IsIdle || entry.IsPrivileged) return false;
        Forget(slot);
        return true;
    }

    private void Forget(int slot)
    {
        int key = _entries[slot].Key;
        Forgetting?.Invoke(key);
        _slotOf.Remove(key);
        int last = --_count;
        if (slot != last)
        {
            _entries[slot] = _entries[last];
            _slotOf.ValueRefOrNull(_entries[slot].Key) = slot;
        }
        _entries[last] = default;
        // Give memory back when a crowd of peers has gone: a node trimmed from its hard cap to its low water
        // would otherwise keep the array of its peak. Growth by half and shrinking below half keep at most
        // about twice the tracked peers, usually a quarter more (a simulated 1M-node network holds ~50M records).
        if (_entries.Length > 64 && _count < _entries.Length / 2)
        {
            Array.Resize(ref _entries, Math.Max(64, _count + _count / 4));
            _slotOf.TrimExcess();
        }
    }

    private void ShrinkExpiries()
    {
        if (_expiriesHighWater <= 1024 || _expiries.Count >= _expiriesHighWater / 4) return;
        _expiries.TrimExcess();
        _expiriesHighWater = _expiries.Count;
    }
}
