namespace ConnActors.Policy.Politeness;

/// <summary>A request to dial <paramref name="Peer"/> at <paramref name="Address"/>.</summary>
/// <param name="Peer">The peer to dial.</param>
/// <param name="Address">The address to dial it at.</param>
/// <param name="Priority">Base priority, higher is more urgent. Waiting raises it (see <see cref="DialQueueSettings.AgingIntervalMs"/>).</param>
/// <param name="Requester">The caller's tag for who asked (for example a subsystem index); the queue only carries it.</param>
public readonly record struct DialRequest(PeerKey Peer, AddressKey Address, byte Priority, int Requester)
{
    /// <summary>When the request was first queued for this peer; set by <see cref="DialQueue.Enqueue"/>.</summary>
    public long EnqueuedMs { get; init; }
}
