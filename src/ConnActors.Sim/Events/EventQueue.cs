namespace ConnActors.Sim.Events;

/// <summary>
/// The events still to run, keyed by (time, sequence): a binary min-heap, plus a first-in-first-out lane
/// for events scheduled in time order (a constant delay after now, such as a router entry's linger). The
/// lane holds most of a large run's pending events; it costs O(1) per event and no heap depth, and events
/// come out in exactly the order one heap would give.
/// </summary>
internal sealed class EventQueue
{
    private SimEvent[] _heap = new SimEvent[1024];
    private int _count;
    private readonly InOrderLane _lane = new();
    private long _sequence;

    public int Count => _count + _lane.Count;

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

    /// <summary>
    /// Schedules an event no earlier than every event scheduled this way before it (throws otherwise): it
    /// waits in the in-order lane. Same order as <see cref="Schedule"/>.
    /// </summary>
    public void ScheduleInOrder(long timeMs, EventKind kind, int a = 0)
    {
        if (timeMs < NowMs) throw new InvalidOperationException($"cannot schedule {kind} at {timeMs} ms, before now ({NowMs} ms)");
        _lane.Add(timeMs, _sequence++, kind, a);
    }

    public bool TryPeekTime(out long timeMs)
    {
        timeMs = Math.Min(_count > 0 ? _heap[0].TimeMs : long.MaxValue, _lane.Count > 0 ? _lane.PeekTime : long.MaxValue);
        return Count > 0;
    }

    public SimEvent Dequeue()
    {
        if (Count == 0) throw new InvalidOperationException("the event queue is empty");
        if (_lane.Count > 0 && (_count == 0 || _lane.RunsBefore(in _heap[0])))
        {
            var next = _lane.Take();
            NowMs = next.TimeMs;
            return next;
        }
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
