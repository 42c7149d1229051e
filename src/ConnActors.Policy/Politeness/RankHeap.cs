namespace ConnActors.Policy.Politeness;

/// <summary>Requests believed dialable: highest rank first, then first come.</summary>
internal sealed class RankHeap(DialSlots slots) : SlotHeap(slots)
{
    protected override bool Precedes(in QueuedDial a, in QueuedDial b) =>
        a.Rank > b.Rank || (a.Rank == b.Rank && a.Sequence < b.Sequence);
}
