namespace ConnActors.Sim.Events;

/// <summary>
/// One scheduled event: a plain struct (no per-event object) ordered by time, then by the sequence
/// number given when it was scheduled, so equal times run in scheduling order and runs are repeatable.
/// </summary>
internal readonly record struct SimEvent(long TimeMs, long Sequence, EventKind Kind, int A, int B)
{
    public bool RunsBefore(in SimEvent other) =>
        TimeMs < other.TimeMs || (TimeMs == other.TimeMs && Sequence < other.Sequence);
}
