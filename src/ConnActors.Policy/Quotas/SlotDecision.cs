namespace ConnActors.Policy.Quotas;

/// <summary>The answer to a subsystem's request for one connection slot.</summary>
public enum SlotOutcome : byte
{
    /// <summary>Granted within the subsystem's reservation.</summary>
    Granted,

    /// <summary>
    /// Granted from unreserved (or idle reserved) capacity; it may be reclaimed later. When the node is
    /// full, <see cref="SlotDecision.Victim"/> (<see cref="SlotDecision.HasVictim"/>) is an unassigned
    /// peer — one no subsystem claims — that the caller closes first.
    /// </summary>
    Borrowed,

    /// <summary>Granted within the reservation, but the node is full: the caller must first close
    /// <see cref="SlotDecision.Victim"/>, a connection held by a subsystem above its reservation.</summary>
    GrantedAfterReclaim,

    /// <summary>Refused: the subsystem already holds its maximum.</summary>
    DeniedAtMaximum,

    /// <summary>Refused: no capacity left, nothing the subsystem may reclaim and no unassigned peer to evict.</summary>
    DeniedNoCapacity,
}

/// <summary>A slot decision, with the peer to close first when <paramref name="HasVictim"/> (a reclaim or an eviction).</summary>
public readonly record struct SlotDecision(SlotOutcome Outcome, PeerKey Victim = default, bool HasVictim = false)
{
    /// <summary>True when the slot is the subsystem's now (after closing the victim, if any).</summary>
    public bool IsGranted => Outcome <= SlotOutcome.GrantedAfterReclaim;
}
