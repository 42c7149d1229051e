namespace ConnActors.Policy.Politeness;

/// <summary>What <see cref="DialQueue.Enqueue"/> did with a request.</summary>
public enum EnqueueResult
{
    /// <summary>The request was queued.</summary>
    Queued,

    /// <summary>
    /// The peer was already queued: one request remains, carrying the higher base priority (the
    /// earlier one on a tie) and ranked as the better of the two.
    /// </summary>
    Merged,

    /// <summary>Rejected: a dial to this peer is in flight; its outcome will come through <see cref="DialQueue.Complete"/>.</summary>
    AlreadyDialing,

    /// <summary>Rejected: the queue holds <see cref="DialQueueSettings.MaxLength"/> requests.</summary>
    QueueFull,
}
