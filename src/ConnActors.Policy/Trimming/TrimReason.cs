namespace ConnActors.Policy.Trimming;

/// <summary>Why a peer was chosen to be closed.</summary>
public enum TrimReason : byte
{
    /// <summary>The burst (a DHT query) that opened it ended and nothing else uses it: released with the burst.</summary>
    FinishedBurst,

    /// <summary>No subsystem claims it.</summary>
    Unassigned,

    /// <summary>Claimed, but among the lowest scores.</summary>
    LowScore,

    /// <summary>Memory pressure: closed regardless of grace, locks and reservations (never a friend or protected peer).</summary>
    Emergency,

    /// <summary>Closed so a subsystem below its reservation gets its slot back.</summary>
    QuotaReclaim,
}

/// <summary>What started a regulation round.</summary>
public enum RegulationTrigger : byte
{
    /// <summary>No round is needed.</summary>
    None,

    /// <summary>The count reached high water.</summary>
    HighWater,

    /// <summary>An arrival spike would push the count past high water within the headroom horizon.</summary>
    ArrivalSpike,

    /// <summary>The previous round was blocked by grace and is continued when the grace ends.</summary>
    FollowUp,

    /// <summary>Memory pressure.</summary>
    Emergency,

    /// <summary>
    /// Dials fail at a high rate (a share of the dial-rate cap, one-minute average): the home router's
    /// NAT table or the network is overloaded, and fewer connections relieve it.
    /// </summary>
    FailedDials,

    /// <summary>
    /// Peers of finished bursts that nothing else claims have lingered past <see cref="TrimSettings.BurstLingerMs"/>:
    /// short-lived query connections are closed once their burst is over, whatever the count.
    /// </summary>
    BurstLinger,
}
