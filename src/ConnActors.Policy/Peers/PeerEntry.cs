using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Peers;

/// <summary>
/// Everything the policy knows about one tracked peer, stored inline in the peer table's array
/// (no references, so the GC never walks it).
/// </summary>
internal struct PeerEntry
{
    public int Inbound;
    public int Outbound;
    public int PendingOutbound;
    // Connections a trim or reclaim chose to close whose close has not been reported yet; connections
    // established after the choice are not among them (a reconnect racing its own close stays trimmable).
    public int ClosingConnections;
    public long ConnectedSinceMs;
    public long LockedUntilMs;
    // A penalty or a bye we sent keeps the record at least this long.
    public long RetainUntilMs;
    public long ByeSentUntilMs;
    // When the record expires once idle (long.MaxValue while it is in use); a heap entry with another time is stale.
    public long ExpiresAtMs;
    public uint SubsystemClaims;
    public int ActiveBursts;
    public long BurstFinishedMs;
    public int TagSum;
    public int Key;
    public float Overlap;
    public bool FinishedBurst;
    public bool IsFriend;
    public bool IsProtected;
    public bool HasTags;
    public SignalValues Signals;

    public readonly int Connections => Inbound + Outbound;

    /// <summary>Connections not already chosen to close.</summary>
    public readonly int OpenConnections => Inbound + Outbound - ClosingConnections;

    public readonly bool IsConnected => Inbound + Outbound > 0;

    public readonly bool IsPrivileged => IsFriend || IsProtected;

    /// <summary>No connection, no dial and no running burst: the peer is not in use.</summary>
    public readonly bool IsIdle => Inbound + Outbound == 0 && PendingOutbound == 0 && ActiveBursts == 0;
}

/// <summary>One decaying value per <see cref="UsefulnessSignal"/>, inline.</summary>
[System.Runtime.CompilerServices.InlineArray(4)]
internal struct SignalValues
{
    private DecayingValue _first;
}
