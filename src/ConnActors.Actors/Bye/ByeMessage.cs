using ConnActors.Libp2p.Multiaddress;

namespace ConnActors.Actors.Bye;

/// <summary>Why a peer is saying bye (wire values; unknown values are read as <see cref="Other"/>).</summary>
public enum ByeReason
{
    /// <summary>Not one of the reasons below.</summary>
    Other = 0,

    /// <summary>The sender is over its connection watermark and trimmed this connection.</summary>
    Trimmed = 1,

    /// <summary>The sender refused the connection (cap, reserve, subnet, penalty).</summary>
    Refused = 2,

    /// <summary>The sender is shutting down.</summary>
    ShuttingDown = 3,

    /// <summary>The sender needs memory back.</summary>
    MemoryPressure = 4,

    /// <summary>A subsystem of the sender reclaimed its reserved slot.</summary>
    QuotaReclaim = 5,

    /// <summary>The sender's fleet moved this peer to another member.</summary>
    Handoff = 6,
}

/// <summary>
/// The polite goodbye sent on <c>/connactors/bye/1.0.0</c> before a connection is closed: why, how long
/// the receiver should wait before dialing again, and peers it may use instead.
/// </summary>
public sealed record ByeMessage(ByeReason Reason, TimeSpan Backoff, IReadOnlyList<Multiaddr> Alternatives, string? Detail = null);
