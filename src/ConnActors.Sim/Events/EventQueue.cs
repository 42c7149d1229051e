namespace ConnActors.Sim.Events;

/// <summary>A binary min-heap of <see cref="SimEvent"/> structs keyed by (time, sequence).</summary>
internal sealed class EventQueue
{
    private SimEvent[] _heap = new SimEvent[1024];
    private int _count;
    private long _sequence;

    public int Count => _count;

    public long Scheduled => _sequence;

    /// <summary>The time of the last event taken; nothing may be scheduled before it.</summary>
    public long NowMs { get; private set; }

    public void Schedule(long timeMs, EventKind kind, int a = 0, int b = 0)
    {
        if (timeMs < NowMs) throw new InvalidOperationException($"cannot schedule {kind} at {timeMs} ms, before now ({NowMs} ms)");
        if (_count == _heap.Length) Array.Resize(ref _heap, _heap.Length * 2);
        var item = new SimEvent(timeMs, _sequence++, kind, a, b);
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!item.RunsBefore(in _heap[parent])) break;
            _heap[i] = _heap[parent];
            i = parent;
        }
        _heap[i] = item;
    }

    public bool TryPeekTime(out long timeMs)
    {
        timeMs = _count > 0 ? _heap[0].TimeMs : long.MaxValue;
        return _count > 0;
    }

    public SimEvent Dequeue()
    {
        if (_count == 0) throw new InvalidOperationException("the event queue is empty");
        var top = _heap[0];
        NowMs = top.TimeMs;
        var last = _heap[--_count];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= _count) break;
            if (child + 1 < _count && _heap[child + 1].RunsBefore(in _heap[child])) child++;
            if (!_heap[child].RunsBefore(in last)) break;
            _heap[i] = _heap[child];
            i = child;
        }
        if (_count > 0) _heap[i] = last;
        return top;
    }
}
