namespace ConnActors.Sim.Events;

/// <summary>
/// A growable ring buffer of events whose (time, sequence) never decrease in the order they are added,
/// 24 bytes each (no second argument).
/// </summary>
internal sealed class InOrderLane
{
    private readonly record struct Entry(long TimeMs, long Sequence, int A, EventKind Kind);

    private Entry[] _ring = new Entry[1024];
    private int _head, _count;

    public int Count => _count;

    public long PeekTime => _ring[_head].TimeMs;

    public void Add(long timeMs, long sequence, EventKind kind, int a)
    {
        if (_count > 0 && timeMs < _ring[(_head + _count - 1) % _ring.Length].TimeMs)
            throw new InvalidOperationException($"{kind} at {timeMs} ms would run before an event already in the in-order lane");
        if (_count == _ring.Length) Grow();
        _ring[(_head + _count) % _ring.Length] = new Entry(timeMs, sequence, a, kind);
        _count++;
    }

    /// <summary>True when the lane's first event runs before <paramref name="other"/>.</summary>
    public bool RunsBefore(in SimEvent other)
    {
        ref readonly var first = ref _ring[_head];
        return first.TimeMs < other.TimeMs || (first.TimeMs == other.TimeMs && first.Sequence < other.Sequence);
    }

    public SimEvent Take()
    {
        var e = _ring[_head];
        _head = (_head + 1) % _ring.Length;
        _count--;
        return new SimEvent(e.TimeMs, e.Sequence, e.Kind, e.A, 0);
    }

    private void Grow()
    {
        var bigger = new Entry[_ring.Length * 2];
        for (int i = 0; i < _count; i++) bigger[i] = _ring[(_head + i) % _ring.Length];
        _ring = bigger;
        _head = 0;
    }
}
