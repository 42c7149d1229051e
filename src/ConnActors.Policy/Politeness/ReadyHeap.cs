namespace ConnActors.Policy.Politeness;

/// <summary>Requests parked in backoff: the one whose backoff ends first leaves first.</summary>
internal sealed class ReadyHeap(DialSlots slots) : SlotHeap(slots)
{
    protected override bool Precedes(in QueuedDial a, in QueuedDial b) =>
        a.ReadyMs < b.ReadyMs || (a.ReadyMs == b.ReadyMs && a.Sequence < b.Sequence);
}
