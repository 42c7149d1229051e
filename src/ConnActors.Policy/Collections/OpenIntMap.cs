using System.Numerics;
using System.Runtime.CompilerServices;

namespace ConnActors.Policy.Collections;

/// <summary>
/// A map from integer keys to non-negative ints: open addressing with linear probing over inline (key,
/// value) pairs, deleting by shifting the rest of a probe run back (no tombstones). A lookup reads one pair
/// in place where a <see cref="Dictionary{TKey,TValue}"/> reads a bucket and then an entry elsewhere, and
/// an int key costs about 11-16 bytes instead of about 20-28: at 100,000 simulated nodes the dictionaries'
/// lookups of the peer table and the subnet counts were 14-20% of admitting and closing a connection.
/// Holds the peer table's key-to-slot index and the per-subnet connection counts.
/// </summary>
internal sealed class OpenIntMap<TKey> where TKey : unmanaged, IBinaryInteger<TKey>
{
    private const int Empty = -1;
    private const int MinCapacity = 8;
    // No pairs until the first key (most nodes' IPv6 subnet counts stay empty), as a dictionary allocates nothing before it.
    private static readonly Pair[] None = [];
    private Pair[] _pairs = None;
    private int _shift;

    private struct Pair
    {
        public TKey Key;
        public int Value;
    }

    public OpenIntMap(int capacity = 0)
    {
        if (capacity > 0) _pairs = NewPairs(CapacityFor(capacity));
    }

    public int Count { get; private set; }

    /// <summary>The value of <paramref name="key"/>, or a null reference when it is not in the map.</summary>
    public ref int ValueRefOrNull(TKey key)
    {
        var pairs = _pairs;
        if (pairs.Length == 0) return ref Unsafe.NullRef<int>();
        int mask = pairs.Length - 1;
        for (int i = Home(key); ; i = (i + 1) & mask)
        {
            ref var pair = ref pairs[i];
            if (pair.Value == Empty) return ref Unsafe.NullRef<int>();
            if (pair.Key == key) return ref pair.Value;
        }
    }

    /// <summary>The value of <paramref name="key"/>, added (holding 0 for the caller to set, &gt;= 0) when it was not there.</summary>
    public ref int ValueRefOrAdd(TKey key, out bool exists)
    {
        if (4 * (Count + 1) > 3 * _pairs.Length) Resize(Math.Max(MinCapacity, 2 * _pairs.Length));
        var pairs = _pairs;
        int mask = pairs.Length - 1;
        for (int i = Home(key); ; i = (i + 1) & mask)
        {
            ref var pair = ref pairs[i];
            if (pair.Value == Empty)
            {
                exists = false;
                pair.Key = key;
                pair.Value = 0;
                Count++;
                return ref pair.Value;
            }
            if (pair.Key == key)
            {
                exists = true;
                return ref pair.Value;
            }
        }
    }

    public bool Contains(TKey key) => !Unsafe.IsNullRef(ref ValueRefOrNull(key));

    public bool TryGetValue(TKey key, out int value)
    {
        ref int found = ref ValueRefOrNull(key);
        value = Unsafe.IsNullRef(ref found) ? 0 : found;
        return !Unsafe.IsNullRef(ref found);
    }

    /// <summary>Removes <paramref name="key"/>; false when it was not there.</summary>
    public bool Remove(TKey key)
    {
        var pairs = _pairs;
        if (pairs.Length == 0) return false;
        int mask = pairs.Length - 1;
        int hole = Home(key);
        while (pairs[hole].Value == Empty || pairs[hole].Key != key)
        {
            if (pairs[hole].Value == Empty) return false;
            hole = (hole + 1) & mask;
        }
        // Pull back every later pair of the run whose home is not between the hole and itself (cyclically).
        for (int j = (hole + 1) & mask; pairs[j].Value != Empty; j = (j + 1) & mask)
        {
            int home = Home(pairs[j].Key);
            bool staysPut = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (staysPut) continue;
            pairs[hole] = pairs[j];
            hole = j;
        }
        pairs[hole].Value = Empty;
        Count--;
        return true;
    }

    /// <summary>Gives memory back after many removals (to about twice the keys held).</summary>
    public void TrimExcess()
    {
        int capacity = Count == 0 ? 0 : CapacityFor(Count);
        if (capacity == 0) _pairs = None;
        else if (capacity < _pairs.Length) Resize(capacity);
    }

    // Fibonacci hashing: the top bits of key × 2^64/φ spread consecutive keys over the whole table.
    private int Home(TKey key) => (int)(ulong.CreateTruncating(key) * 0x9E3779B97F4A7C15UL >> _shift);

    private void Resize(int capacity)
    {
        var old = _pairs;
        _pairs = NewPairs(capacity);
        int mask = capacity - 1;
        foreach (var pair in old)
        {
            if (pair.Value == Empty) continue;
            int i = Home(pair.Key);
            while (_pairs[i].Value != Empty) i = (i + 1) & mask;
            _pairs[i] = pair;
        }
    }

    private Pair[] NewPairs(int capacity)
    {
        _shift = 64 - BitOperations.Log2((uint)capacity);
        var pairs = new Pair[capacity];
        foreach (ref var pair in pairs.AsSpan()) pair.Value = Empty;
        return pairs;
    }

    // The smallest power of two holding `keys` at most half full.
    private static int CapacityFor(int keys) => (int)Math.Max(MinCapacity, BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, 2 * keys)));
}
