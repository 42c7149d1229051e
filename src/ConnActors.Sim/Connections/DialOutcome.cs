namespace ConnActors.Sim.Connections;

/// <summary>The outcome of a dial in the simulation.</summary>
internal enum DialOutcome : byte
{
    Connected,
    AlreadyConnected,
    Offline,
    SkippedForBye,
    /// <summary>v2 trimmed the peer itself within its own-trim backoff: the dial never leaves the node.</summary>
    HeldAfterOwnTrim,
    /// <summary>The dialer's router entries fill its site share: the dial never leaves the node.</summary>
    LocalSiteFull,
    LocalRouterFull,
    RemoteRouterFull,
    LocalRefused,
    RemoteRefused,
}

/// <summary>Why a simulated connection closed.</summary>
internal enum CloseReason : byte
{
    /// <summary>An end went offline.</summary>
    Churn,

    /// <summary>A regulation round of the policy trimmed it.</summary>
    Trim,

    /// <summary>A subsystem's slot request named it as the victim.</summary>
    Reclaim,

    /// <summary>v2 released it with the end of the burst (DHT lookup) that opened it and alone used it.</summary>
    Released,
}

/// <summary>
/// A connection that just closed, as each end saw it: its flags and when the other end was last
/// useful to it (-1: never). For <see cref="CloseReason.Trim"/> and <see cref="CloseReason.Reclaim"/>,
/// <see cref="A"/> is the node whose policy closed it.
/// </summary>
internal readonly record struct ClosedLink(int A, int B, Model.LinkFlags FlagsA, Model.LinkFlags FlagsB, long UsefulToAAtMs, long UsefulToBAtMs, CloseReason Reason)
{
    /// <summary>The connection manager of <see cref="A"/> chose to close it (not churn).</summary>
    public bool ByPolicy => Reason is CloseReason.Trim or CloseReason.Reclaim;
}

/// <summary>Told about every connection that closes, after it is gone from both ends.</summary>
internal interface ILinkObserver
{
    void LinkClosed(in ClosedLink link);
}
