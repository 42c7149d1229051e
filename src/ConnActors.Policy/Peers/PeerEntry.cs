using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Peers;

/// <summary>
/// Everything the policy knows about one tracked peer, stored inline in the peer table's array
/// (about 120 bytes a peer; no references, so the GC never walks it).
/// </summary>
internal struct PeerEntry
{
    public int Inbound;
    public int Outbound;
    public int PendingOutbound;
    public long ConnectedSinceMs;
    public long LockedUntilMs;
    public uint ProtectionTags;
    public uint SubsystemClaims;
    public int ActiveBursts;
    public bool FinishedBurst;
    public long BurstFinishedMs;
    public int TagSum;
    public float Overlap;
    public bool IsFriend;
    public int Key;
    public bool IsClosing;
    public SignalValues Signals;

    public readonly int Connections => Inbound + Outbound;

    public readonly bool IsProtected => ProtectionTags != 0;

    public readonly bool IsConnected => Inbound + Outbound > 0;
}

/// <summary>One decaying value per <see cref="UsefulnessSignal"/>, inline.</summary>
[System.Runtime.CompilerServices.InlineArray(4)]
internal struct SignalValues
{
    private DecayingValue _first;
}
