using System.Runtime.CompilerServices;

namespace ConnActors.Policy.Peers;

/// <summary>
/// The peer table's map from a peer's key to its slot: open addressing with linear probing over 8-byte
/// (key, slot) pairs, deleting by shifting the rest of a probe run back (no tombstones). A lookup reads
/// one pair in place where a <see cref="Dictionary{TKey,TValue}"/> reads a bucket and then an entry
/// elsewhere, and it holds about 11-16 bytes a key instead of about 20-28: at 100,000 simulated nodes the
/// dictionary's lookups were 14-19% of admitting and closing a connection. Slots are &gt;= 0.
/// </summary>
internal sealed class SlotIndex
{
    private const int Empty = -1;
    private const int MinCapacity = 8;
    private Pair[] _pairs;
    private int _shift;

    private struct Pair
    {
        public int Key;
        public int Slot;
    }

    public SlotIndex(int capacity = MinCapacity) => _pairs = NewPairs(CapacityFor(capacity));

    public int Count { get; private set; }

    /// <summary>The slot of <paramref name="key"/>, or a null reference when it is not in the index.</summary>
    public ref int SlotRefOrNull(int key)
    {
        var pairs = _pairs;
        int mask = pairs.Length - 1;
        for (int i = Home(key); ; i = (i + 1) & mask)
        {
            ref var pair = ref pairs[i];
            if (pair.Slot == Empty) return ref Unsafe.NullRef<int>();
            if (pair.Key == key) return ref pair.Slot;
        }
    }

    /// <summary>The slot of <paramref name="key"/>, added (holding 0 for the caller to set) when it was not there.</summary>
    public ref int SlotRefOrAdd(int key, out bool exists)
    {
        if (4 * (Count + 1) > 3 * _pairs.Length) Resize(2 * _pairs.Length);
        var pairs = _pairs;
        int mask = pairs.Length - 1;
        for (int i = Home(key); ; i = (i + 1) & mask)
        {
            ref var pair = ref pairs[i];
            if (pair.Slot == Empty)
            {
                exists = false;
                pair.Key = key;
                pair.Slot = 0;
                Count++;
                return ref pair.Slot;
            }
            if (pair.Key == key)
            {
                exists = true;
                return ref pair.Slot;
            }
        }
    }

    public bool Contains(int key) => !Unsafe.IsNullRef(ref SlotRefOrNull(key));

    public bool TryGetSlot(int key, out int slot)
    {
        ref int found = ref SlotRefOrNull(key);
        slot = Unsafe.IsNullRef(ref found) ? 0 : found;
        return !Unsafe.IsNullRef(ref found);
    }

    /// <summary>Removes <paramref name="key"/>; false when it was not there.</summary>
    public bool Remove(int key)
    {
        var pairs = _pairs;
        int mask = pairs.Length - 1;
        int hole = Home(key);
        while (pairs[hole].Key != key || pairs[hole].Slot == Empty)
        {
            if (pairs[hole].Slot == Empty) return false;
            hole = (hole + 1) & mask;
        }
        // Pull back every later pair of the run whose home is not between the hole and itself (cyclically).
        for (int j = (hole + 1) & mask; pairs[j].Slot != Empty; j = (j + 1) & mask)
        {
            int home = Home(pairs[j].Key);
            bool staysPut = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (staysPut) continue;
            pairs[hole] = pairs[j];
            hole = j;
        }
        pairs[hole].Slot = Empty;
        Count--;
        return true;
    }

    /// <summary>Gives memory back after many removals (to about twice the keys held).</summary>
    public void TrimExcess()
    {
        int capacity = CapacityFor(Count);
        if (capacity < _pairs.Length) Resize(capacity);
    }

    // Fibonacci hashing: the top bits of key × 2^32/φ spread consecutive keys over the whole table.
    private int Home(int key) => (int)((uint)key * 2654435769u >> _shift);

    private void Resize(int capacity)
    {
        var old = _pairs;
        _pairs = NewPairs(capacity);
        int mask = capacity - 1;
        foreach (var pair in old)
        {
            if (pair.Slot == Empty) continue;
            int i = Home(pair.Key);
            while (_pairs[i].Slot != Empty) i = (i + 1) & mask;
            _pairs[i] = pair;
        }
    }

    private Pair[] NewPairs(int capacity)
    {
        _shift = 32 - System.Numerics.BitOperations.Log2((uint)capacity);
        var pairs = new Pair[capacity];
        foreach (ref var pair in pairs.AsSpan()) pair.Slot = Empty;
        return pairs;
    }

    // The smallest power of two holding `keys` at most half full.
    private static int CapacityFor(int keys) => (int)Math.Max(MinCapacity, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, 2 * keys)));
}
