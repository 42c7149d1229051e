using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ConnActors.Policy.Peers;

/// <summary>
/// The tracked peers, stored densely in one array (slots 0..Count-1) with a key-to-slot map, so a
/// trim round walks exactly the tracked peers and memory follows their number, whatever the range of
/// the keys (a simulated node of a 1M-node network holds only its own neighbours).
/// A peer is tracked while it has a connection, a pending dial, or a reason to be remembered
/// (friend, protection, lock, tag, running burst).
/// </summary>
internal sealed class PeerTable
{
    private PeerEntry[] _entries;
    private int _count;
    private readonly Dictionary<int, int> _slotOf;

    public PeerTable(int initialCapacity = 8)
    {
        _entries = new PeerEntry[Math.Max(4, initialCapacity)];
        _slotOf = new Dictionary<int, int>(Math.Max(4, initialCapacity));
    }

    public int TrackedCount => _count;

    /// <summary>Bytes the index holds per tracked peer: the entry plus its map entry (key, slot, hash, next, bucket).</summary>
    public static int BytesPerPeer => Unsafe.SizeOf<PeerEntry>() + 5 * sizeof(int);

    /// <summary>The tracked entries; a slot index is only stable until the next Track or Forget.</summary>
    public Span<PeerEntry> Tracked => _entries.AsSpan(0, _count);

    /// <summary>The entry of <paramref name="peer"/>, tracking it if it was not.</summary>
    public ref PeerEntry Track(PeerKey peer)
    {
        ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slotOf, peer.Value, out bool exists);
        if (exists) return ref _entries[slot];
        if (_count == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
        slot = _count++;
        ref var entry = ref _entries[slot];
        entry = default;
        entry.Key = peer.Value;
        return ref entry;
    }

    /// <summary>The entry of <paramref name="peer"/>, or a null reference when it is not tracked.</summary>
    public ref PeerEntry Get(PeerKey peer)
    {
        ref int slot = ref CollectionsMarshal.GetValueRefOrNullRef(_slotOf, peer.Value);
        if (Unsafe.IsNullRef(ref slot)) return ref Unsafe.NullRef<PeerEntry>();
        return ref _entries[slot];
    }

    public ref PeerEntry At(int slot) => ref _entries[slot];

    public bool IsTracked(PeerKey peer) => _slotOf.ContainsKey(peer.Value);

    /// <summary>Forgets the peer when nothing about it needs remembering.</summary>
    public void ForgetIfIdle(PeerKey peer, long nowMs)
    {
        if (!_slotOf.TryGetValue(peer.Value, out int slot)) return;
        ref var entry = ref _entries[slot];
        if (entry.IsConnected || entry.PendingOutbound > 0 || entry.IsFriend || entry.IsProtected || entry.TagSum != 0
            || entry.ActiveBursts > 0 || entry.LockedUntilMs > nowMs) return;
        _slotOf.Remove(peer.Value);
        int last = --_count;
        if (slot != last)
        {
            _entries[slot] = _entries[last];
            _slotOf[_entries[slot].Key] = slot;
        }
        _entries[last] = default;
        // Give memory back when a burst of peers has gone (keeps idle simulated nodes small).
        if (_entries.Length > 64 && _count < _entries.Length / 4) Array.Resize(ref _entries, _entries.Length / 2);
    }
}
