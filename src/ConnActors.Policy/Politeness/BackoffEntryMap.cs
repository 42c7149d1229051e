using System.Runtime.InteropServices;

namespace ConnActors.Policy.Politeness;

/// <summary>
/// Backoff entries by key, forgotten lazily: an entry is dropped when it is read after it stopped
/// mattering, and a full sweep runs only when the map has doubled since the previous sweep. A sweep
/// costs O(entries) and happens after at least as many insertions, so upkeep is amortized O(1) per
/// insertion, there is no timer, and dead entries never outnumber live ones by more than
/// <see cref="MinimumSweepThreshold"/> plus the live count at the last sweep.
/// </summary>
internal sealed class BackoffEntryMap<TKey> where TKey : struct, IEquatable<TKey>
{
    public const int MinimumSweepThreshold = 64;

    private readonly Dictionary<TKey, BackoffEntry> _entries = new();
    private readonly long _forgetAfterMs;
    private int _sweepThreshold = MinimumSweepThreshold;

    public BackoffEntryMap(long forgetAfterMs) => _forgetAfterMs = forgetAfterMs;

    public int Count => _entries.Count;

    /// <summary>The live entry of <paramref name="key"/>, or default when there is none.</summary>
    public BackoffEntry Get(TKey key, long nowMs)
    {
        if (!_entries.TryGetValue(key, out var entry)) return default;
        if (!entry.IsForgettable(nowMs, _forgetAfterMs)) return entry;
        _entries.Remove(key);
        return default;
    }

    /// <summary>The entry of <paramref name="key"/> to update, reset first if it had stopped mattering.</summary>
    public ref BackoffEntry GetOrAdd(TKey key, long nowMs)
    {
        if (_entries.Count >= _sweepThreshold) Sweep(nowMs);
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out bool existed);
        if (existed && entry.IsForgettable(nowMs, _forgetAfterMs)) entry = default;
        return ref entry;
    }

    public void Remove(TKey key) => _entries.Remove(key);

    /// <summary>The entries, for persistence and inspection; do not modify the map while enumerating.</summary>
    public Dictionary<TKey, BackoffEntry>.Enumerator GetEnumerator() => _entries.GetEnumerator();

    private void Sweep(long nowMs)
    {
        foreach (var pair in _entries)
        {
            if (pair.Value.IsForgettable(nowMs, _forgetAfterMs)) _entries.Remove(pair.Key);
        }
        _sweepThreshold = Math.Max(MinimumSweepThreshold, 2 * _entries.Count);
    }
}
