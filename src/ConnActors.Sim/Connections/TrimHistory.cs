using System.Numerics;

namespace ConnActors.Sim.Connections;

/// <summary>
/// When each pair was last closed by a policy (trim, reclaim or release) and what backoff its bye asked
/// for, kept for <see cref="Connector.RedialWindowMs"/> or the backoff, whichever is longer, so that
/// dials after a close can be counted whatever the policy. Expired closes are dropped at least once a
/// simulated minute, so a large run holds about two minutes of closes.
/// <para>
/// Both directions of a pair share one 32-byte slot of an open-addressing table (linear probing), so the
/// two questions a dial asks (did the remote close us, did we close it) read one slot instead of a
/// dictionary's bucket and entry twice: at 100,000 nodes those dictionary lookups were 18% of a dial's time.
/// </para>
/// </summary>
internal sealed class TrimHistory
{
    private const long PurgeEveryMs = 60_000;
    private const int NoBye = -1;
    private const int NoClose = int.MinValue;
    private const long EmptyKey = -1;
    // A pair whose closes expired: lookups probe past it, inserts may take it (a tombstone).
    private const long FreedKey = -2;
    private const int MinCapacity = 1024;
    private Slot[] _slots = NewSlots(MinCapacity);
    private int _pairs;
    // Slots holding a pair or freed: the table is rebuilt when they fill three quarters of it.
    private int _used;
    private long _lastPurgeMs;

    // One direction's last close: AtMs (NoClose: none), the bye's backoff in ms (NoBye: none).
    private struct Close
    {
        public int AtMs;
        public int ByeBackoffMs;
        public bool Trim;
        public bool EndOfBurst;

        public readonly bool Exists => AtMs != NoClose;

        public readonly long KeptMs(long windowMs) => Math.Max(windowMs, ByeBackoffMs);
    }

    // Key: (lower node << 32) | higher node, EmptyKey or FreedKey. ByLower: the lower node closed the higher one.
    private struct Slot
    {
        public long Key;
        public Close ByLower;
        public Close ByHigher;
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
        if (nowMs > int.MaxValue) throw new InvalidOperationException($"simulated time {nowMs} ms is past what the trim history holds ({int.MaxValue} ms)");
        if (4 * (_used + 1) > 3 * _slots.Length) Rehash(CapacityFor(_pairs + 1));
        ref var slot = ref Find(PairKey(closer, closed), insert: true);
        ref var close = ref closer < closed ? ref slot.ByLower : ref slot.ByHigher;
        if (!close.Exists) Count++;
        close.AtMs = (int)nowMs;
        close.ByeBackoffMs = byeBackoffMs is { } b ? (int)Math.Clamp(b, 0, int.MaxValue) : NoBye;
        close.Trim = trim;
        close.EndOfBurst = endOfBurst || !trim;
    }

    /// <summary>The last close of the pair by <paramref name="closer"/>, if it is still within <paramref name="windowMs"/> or its bye's backoff.</summary>
    public ClosedPair? ClosedBy(int closer, int closed, long nowMs, long windowMs)
    {
        ref var slot = ref Find(PairKey(closer, closed), insert: false);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot)) return null;
        var e = closer < closed ? slot.ByLower : slot.ByHigher;
        return e.Exists && nowMs - e.AtMs < e.KeptMs(windowMs)
            ? new ClosedPair(e.AtMs, e.Trim, e.ByeBackoffMs == NoBye ? null : e.ByeBackoffMs, e.EndOfBurst)
            : null;
    }

    /// <summary>Forgets closes older than <paramref name="windowMs"/> and their bye's backoff.</summary>
    public void Purge(long nowMs, long windowMs)
    {
        _lastPurgeMs = nowMs;
        foreach (ref var slot in _slots.AsSpan())
        {
            if (slot.Key < 0) continue;
            Expire(ref slot.ByLower, nowMs, windowMs);
            Expire(ref slot.ByHigher, nowMs, windowMs);
            if (slot.ByLower.Exists || slot.ByHigher.Exists) continue;
            slot.Key = FreedKey;
            _pairs--;
        }
        if (8 * _pairs < _slots.Length) Rehash(CapacityFor(_pairs));
    }

    private void Expire(ref Close close, long nowMs, long windowMs)
    {
        if (!close.Exists || nowMs - close.AtMs < close.KeptMs(windowMs)) return;
        close.AtMs = NoClose;
        Count--;
    }

    private void Rehash(int capacity)
    {
        var old = _slots;
        _slots = NewSlots(capacity);
        _pairs = 0;
        _used = 0;
        foreach (ref var slot in old.AsSpan())
        {
            if (slot.Key < 0) continue;
            Find(slot.Key, insert: true) = slot;
        }
    }

    // The slot of the pair; with insert, a pair not yet there takes the first freed or empty slot of its probe (the caller fills it).
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
                slot.ByLower.AtMs = NoClose;
                slot.ByHigher.AtMs = NoClose;
                _pairs++;
                return ref slot;
            }
            i = (i + 1) & mask;
        }
    }

    // The smallest power of two holding `pairs` at most half full: rebuilt when pairs and freed slots fill three quarters.
    private static int CapacityFor(int pairs) => (int)Math.Max(MinCapacity, BitOperations.RoundUpToPowerOf2((uint)(2 * pairs)));

    private static Slot[] NewSlots(int capacity)
    {
        var slots = new Slot[capacity];
        foreach (ref var slot in slots.AsSpan()) slot.Key = EmptyKey;
        return slots;
    }

    private static long PairKey(int a, int b) => a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;
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
