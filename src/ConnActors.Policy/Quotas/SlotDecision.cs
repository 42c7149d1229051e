namespace ConnActors.Policy.Quotas;

/// <summary>The answer to a subsystem's request for one connection slot.</summary>
public enum SlotOutcome : byte
{
    /// <summary>Granted within the subsystem's reservation.</summary>
    Granted,

    /// <summary>Granted from unreserved (or idle reserved) capacity; it may be reclaimed later.</summary>
    Borrowed,

    /// <summary>Granted within the reservation, but the node is full: the caller must first close
    /// <see cref="SlotDecision.Victim"/>, a connection held by a subsystem above its reservation.</summary>
    GrantedAfterReclaim,

    /// <summary>Refused: the subsystem already holds its maximum.</summary>
    DeniedAtMaximum,

    /// <summary>Refused: no capacity left and nothing the subsystem may reclaim.</summary>
    DeniedNoCapacity,
}

/// <summary>A slot decision, with the peer to close when a reclaim is required.</summary>
public readonly record struct SlotDecision(SlotOutcome Outcome, PeerKey Victim = default)
{
    /// <summary>True when the slot is the subsystem's now (after closing the victim, if any).</summary>
    public bool IsGranted => Outcome <= SlotOutcome.GrantedAfterReclaim;
}
