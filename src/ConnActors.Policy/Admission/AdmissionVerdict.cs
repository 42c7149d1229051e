namespace ConnActors.Policy.Admission;

/// <summary>Why a connection was refused; <see cref="None"/> when it was admitted.</summary>
public enum RefusalReason : byte
{
    /// <summary>Admitted.</summary>
    None = 0,

    /// <summary>Admitting it would exceed the hard cap.</summary>
    HardCap,

    /// <summary>The inbound share is full: the rest of the cap is the outbound reserve.</summary>
    InboundFull,

    /// <summary>The remaining slots are reserved for friends and protected peers.</summary>
    FriendReserve,

    /// <summary>Too many inbound handshakes are in progress.</summary>
    PendingHandshakes,

    /// <summary>The peer already has the most connections allowed.</summary>
    PerPeerCap,

    /// <summary>The IPv4 /32 or IPv6 /56 already has the most connections allowed.</summary>
    SubnetCap,

    /// <summary>The IPv6 /48 already has the most connections allowed.</summary>
    WideSubnetCap,

    /// <summary>The subnet is opening connections faster than its rate limit.</summary>
    SubnetRate,

    /// <summary>The peer is on the deny list or carries a penalty that bars it.</summary>
    Denied,

    /// <summary>We are in a backoff window for this peer (after a failure or a bye).</summary>
    Backoff,

    /// <summary>The subsystem asking is at its maximum slots.</summary>
    QuotaMaximum,

    /// <summary>No capacity is left for the subsystem asking and it has no reservation to reclaim.</summary>
    QuotaExhausted,

    /// <summary>At or above high water, inbound arrives faster than <c>limits.inbound-rate-above-high-water</c>.</summary>
    InboundRateAboveHighWater,

    /// <summary>At or above high water, the subnet already had a connection within <c>limits.subnets.interval-above-high-water</c>.</summary>
    SubnetRateAboveHighWater,
}

/// <summary>The result of an admission check: admitted, or refused with a reason.</summary>
public readonly record struct AdmissionVerdict(RefusalReason Reason)
{
    /// <summary>The admitting verdict.</summary>
    public static AdmissionVerdict Admit => default;

    /// <summary>True when the connection may proceed.</summary>
    public bool Admitted => Reason == RefusalReason.None;

    /// <summary>A refusal for <paramref name="reason"/>.</summary>
    public static AdmissionVerdict Refuse(RefusalReason reason) => new(reason);

    /// <summary>
    /// Refused because the node has no room for it (its hard cap, its inbound share, or the friend reserve for an ordinary
    /// peer): a close would make room, unlike a refusal for who or where the peer is.
    /// </summary>
    public bool RefusedForRoom => IsForRoom(Reason);

    /// <inheritdoc cref="RefusedForRoom"/>
    public static bool IsForRoom(RefusalReason reason) => reason is RefusalReason.HardCap or RefusalReason.InboundFull or RefusalReason.FriendReserve;

    /// <inheritdoc />
    public override string ToString() => Admitted ? "admitted" : $"refused: {Reason}";
}
