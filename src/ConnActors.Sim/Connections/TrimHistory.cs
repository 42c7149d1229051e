using System.Numerics;

namespace ConnActors.Sim.Connections;

/// <summary>
/// When each pair was last closed by a policy (trim, reclaim or release) and what backoff its bye asked
/// for, kept for <see cref="Connector.RedialWindowMs"/> or the backoff, whichever is longer, so that
/// dials after a close can be counted whatever the policy. Expired closes are dropped at least once a
/// simulated minute, so a large run holds about two minutes of closes.
/// <para>
/// Each close is a 16-byte slot of an open-addressing table (linear probing, freed slots reused), so a
/// dial's question reads one slot where a dictionary read a bucket and then an entry elsewhere: at
/// 100,000 nodes those dictionary lookups were 18% of a dial's time. Times are held in 29 bits (simulated
/// runs of up to 6 days), the close's two flags in the bits above.
/// </para>
/// </summary>
internal sealed class TrimHistory
{
    private const long PurgeEveryMs = 60_000;
    private const int NoBye = -1;
    private const long EmptyKey = -1;
    // A close that expired: lookups probe past it, inserts may take it (a tombstone).
    private const long FreedKey = -2;
    private const int MinCapacity = 1024;
    private const int TimeBits = 29;
    private const int TimeMask = (1 << TimeBits) - 1;
    private const int TrimFlag = 1 << TimeBits, EndOfBurstFlag = 1 << (TimeBits + 1);
    private Slot[] _slots = NewSlots(MinCapacity);
    // Slots holding a close or freed: the table is rebuilt when they fill three quarters of it.
    private int _used;
    private long _lastPurgeMs;

    // Key: (closer << 32) | closed, EmptyKey or FreedKey. At: the close's time in ms with TrimFlag and EndOfBurstFlag;
    // ByeBackoffMs: the bye's backoff in ms, or NoBye.
    private struct Slot
    {
        public long Key;
        public int At;
        public int ByeBackoffMs;

        public readonly long AtMs => At & TimeMask;

        public readonly long KeptMs(long windowMs) => Math.Max(windowMs, ByeBackoffMs);
    }

    /// <summary>Closes remembered (one per closer and closed node).</summary>
    public int Count { get; private set; }

    /// <summary>
    /// <paramref name="closer"/> closed its connection to <paramref name="closed"/>; <paramref name="trim"/> is false for a release;
    /// <paramref name="endOfBurst"/>: the peer's last use was a finished burst (a release, or a trim of a lingering query peer).
    /// </summary>
    public void Record(int closer, int closed, long nowMs, bool trim, long? byeBackoffMs, bool endOfBurst = false)
    {
        if (nowMs - _lastPurgeMs >= PurgeEveryMs) Purge(nowMs, Connector.RedialWindowMs);
        if (nowMs > TimeMask) throw new InvalidOperationException($"simulated time {nowMs} ms is past what the trim history holds ({TimeMask} ms)");
        if (4 * (_used + 1) > 3 * _slots.Length) Rehash(CapacityFor(Count + 1));
        ref var slot = ref Find(PairKey(closer, closed), insert: true);
        slot.At = (int)nowMs | (trim ? TrimFlag : 0) | (endOfBurst || !trim ? EndOfBurstFlag : 0);
        slot.ByeBackoffMs = byeBackoffMs is { } b ? (int)Math.Clamp(b, 0, int.MaxValue) : NoBye;
    }

    /// <summary>The last close of the pair by <paramref name="closer"/>, if it is still within <paramref name="windowMs"/> or its bye's backoff.</summary>
    public ClosedPair? ClosedBy(int closer, int closed, long nowMs, long windowMs)
    {
        ref var slot = ref Find(PairKey(closer, closed), insert: false);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot) || nowMs - slot.AtMs >= slot.KeptMs(windowMs)) return null;
        return new ClosedPair(slot.AtMs, (slot.At & TrimFlag) != 0, slot.ByeBackoffMs == NoBye ? null : slot.ByeBackoffMs, (slot.At & EndOfBurstFlag) != 0);
    }

    /// <summary>Forgets closes older than <paramref name="windowMs"/> and their bye's backoff.</summary>
    public void Purge(long nowMs, long windowMs)
    {
        _lastPurgeMs = nowMs;
        foreach (ref var slot in _slots.AsSpan())
        {
            if (slot.Key < 0 || nowMs - slot.AtMs < slot.KeptMs(windowMs)) continue;
            slot.Key = FreedKey;
            Count--;
        }
        if (8 * Count < _slots.Length) Rehash(CapacityFor(Count));
    }

    private void Rehash(int capacity)
    {
        if (capacity == _slots.Length)
        {
            DropFreedInPlace();
            return;
        }
        var old = _slots;
        _slots = NewSlots(capacity);
        _used = 0;
        Count = 0;
        foreach (ref var slot in old.AsSpan())
        {
            if (slot.Key < 0) continue;
            Find(slot.Key, insert: true) = slot;
        }
    }

    // Rebuilds the table in its own array: at 1M nodes it is hundreds of MB, and a new one each time the freed
    // slots fill it made the GC collect the whole heap for the large allocation. The freed slots become empty, then
    // every close, taken in probe order from a slot that was empty (no probe sequence crosses it), moves to the
    // first empty slot from its home: those before it are settled, so each close stays reachable.
    private void DropFreedInPlace()
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        int start = 0;
        while (slots[start].Key != EmptyKey) start++;
        foreach (ref var slot in slots.AsSpan()) if (slot.Key == FreedKey) slot.Key = EmptyKey;
        _used = 0;
        Count = 0;
        for (int k = 1; k <= slots.Length; k++)
        {
            int i = (start + k) & mask;
            if (slots[i].Key == EmptyKey) continue;
            var close = slots[i];
            slots[i].Key = EmptyKey;
            Find(close.Key, insert: true) = close;
        }
    }

    // The slot of the close; with insert, a close not yet there takes the first freed or empty slot of its probe (the caller fills it).
    private ref Slot Find(long key, bool insert)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        int i = (int)((ulong)key * 0x9E3779B97F4A7C15UL >> (64 - BitOperations.Log2((uint)slots.Length))) & mask;
        int freed = -1;
        while (true)
        {
            ref var slot = ref slots[i];
            if (slot.Key == key) return ref slot;
            if (slot.Key == FreedKey && freed < 0) freed = i;
            if (slot.Key == EmptyKey)
            {
                if (!insert) return ref System.Runtime.CompilerServices.Unsafe.NullRef<Slot>();
                if (freed >= 0) slot = ref slots[freed];
                else _used++;
                slot.Key = key;
                Count++;
                return ref slot;
            }
            i = (i + 1) & mask;
        }
    }

    // The smallest power of two holding `closes` at most half full.
    private static int CapacityFor(int closes) => (int)Math.Max(MinCapacity, BitOperations.RoundUpToPowerOf2((uint)(2 * closes)));

    private static Slot[] NewSlots(int capacity)
    {
        var slots = new Slot[capacity];
        foreach (ref var slot in slots.AsSpan()) slot.Key = EmptyKey;
        return slots;
    }

    private static long PairKey(int closer, int closed) => ((long)closer << 32) | (uint)closed;
}

/// <summary>
/// A policy's close of a pair's connection: when, whether it was a trim (or reclaim), the backoff its bye asked for (null: no
/// bye), and whether the peer's last use was a finished burst (the node holds no dial to it).
/// </summary>
internal readonly record struct ClosedPair(long AtMs, bool Trim, long? ByeBackoffMs, bool EndOfBurst = false)
{
    /// <summary>
    /// A dial by the closed peer now breaks the politeness asked of it: inside its bye's backoff, or,
    /// for a trim without a bye, inside <paramref name="windowMs"/> (what a bye would have asked).
    /// </summary>
    public bool Violated(long nowMs, long windowMs) => Trim && nowMs - AtMs < (ByeBackoffMs ?? windowMs);
}
