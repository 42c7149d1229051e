namespace ConnActors.Policy.Politeness;

/// <summary>
/// Storage for queued requests: a flat array of <see cref="QueuedDial"/> with a free list, so that
/// the heaps move integers and nothing is allocated per request.
/// </summary>
internal sealed class DialSlots
{
    private int[] _free;
    private int _freeCount;
    private int _used;

    public DialSlots(int capacity)
    {
        Items = new QueuedDial[capacity];
        _free = new int[capacity];
    }

    public QueuedDial[] Items { get; private set; }

    public int Capacity => Items.Length;

    /// <summary>A free slot; the caller must have ensured capacity.</summary>
    public int Allocate() => _freeCount > 0 ? _free[--_freeCount] : _used++;

    public void Release(int slot)
    {
        Items[slot] = default;
        _free[_freeCount++] = slot;
    }

    public void Grow(int capacity)
    {
        var items = Items;
        Array.Resize(ref items, capacity);
        Items = items;
        Array.Resize(ref _free, capacity);
    }
}
