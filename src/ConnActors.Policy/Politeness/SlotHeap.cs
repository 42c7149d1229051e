namespace ConnActors.Policy.Politeness;

/// <summary>
/// A binary heap of slot numbers of <see cref="DialSlots"/>, each slot knowing its position so that it
/// can be removed or promoted in O(log n). Capacity grows only through <see cref="Grow"/>, which the
/// queue calls on enqueue, so moving slots between heaps never allocates.
/// </summary>
internal abstract class SlotHeap
{
    private readonly DialSlots _slots;
    private int[] _heap;

    protected SlotHeap(DialSlots slots)
    {
        _slots = slots;
        _heap = new int[slots.Capacity];
    }

    public int Count { get; private set; }

    public int Peek() => _heap[0];

    public void Grow(int capacity) => Array.Resize(ref _heap, capacity);

    public void Push(int slot)
    {
        int i = Count++;
        _heap[i] = slot;
        _slots.Items[slot].HeapIndex = i;
        SiftUp(i);
    }

    public int Pop()
    {
        int top = _heap[0];
        RemoveAt(0);
        return top;
    }

    public void Remove(int slot) => RemoveAt(_slots.Items[slot].HeapIndex);

    /// <summary>Restores order after the slot moved forward (for example its rank rose).</summary>
    public void Promote(int slot) => SiftUp(_slots.Items[slot].HeapIndex);

    /// <summary>True when <paramref name="a"/> must leave the heap before <paramref name="b"/>.</summary>
    protected abstract bool Precedes(in QueuedDial a, in QueuedDial b);

    private void RemoveAt(int i)
    {
        int last = --Count;
        if (i == last) return;
        int moved = _heap[last];
        Place(moved, i);
        SiftDown(i);
        SiftUp(_slots.Items[moved].HeapIndex);
    }

    private void SiftUp(int i)
    {
        var items = _slots.Items;
        int slot = _heap[i];
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Precedes(items[slot], items[_heap[parent]])) break;
            Place(_heap[parent], i);
            i = parent;
        }
        Place(slot, i);
    }

    private void SiftDown(int i)
    {
        var items = _slots.Items;
        int slot = _heap[i];
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= Count) break;
            if (child + 1 < Count && Precedes(items[_heap[child + 1]], items[_heap[child]])) child++;
            if (!Precedes(items[_heap[child]], items[slot])) break;
            Place(_heap[child], i);
            i = child;
        }
        Place(slot, i);
    }

    private void Place(int slot, int i)
    {
        _heap[i] = slot;
        _slots.Items[slot].HeapIndex = i;
    }
}
