namespace ConnActors.Policy.Politeness;

/// <summary>A request while it waits in the <see cref="DialQueue"/>.</summary>
internal struct QueuedDial
{
    public DialRequest Request;

    /// <summary>
    /// <c>Priority * aging-interval - (enqueued - origin)</c>: the effective priority scaled by the aging
    /// interval, minus the same elapsed time for everyone, so the order it gives never changes as time
    /// passes and a static heap ages requests exactly. Higher is served first.
    /// </summary>
    public long Rank;

    /// <summary>Arrival order, to break rank ties first-come first-served.</summary>
    public long Sequence;

    /// <summary>While parked: when the backoff that parked it ends.</summary>
    public long ReadyMs;

    public bool IsParked;

    /// <summary>Position in the heap that holds it.</summary>
    public int HeapIndex;
}
