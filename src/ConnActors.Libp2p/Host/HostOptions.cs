using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Multiaddress;
using ConnActors.Libp2p.Yamux;

namespace ConnActors.Libp2p.Host;

/// <summary>Configuration of a <see cref="Libp2pHost"/>; every bound has a default.</summary>
public sealed record HostOptions
{
    public required PrivateKey Identity { get; init; }

    /// <summary>TCP listen addresses (/ip4|ip6/.../tcp/port; port 0 picks one). Empty: dial only.</summary>
    public IReadOnlyList<Multiaddr> ListenAddresses { get; init; } = [];

    public IConnectionGate Gate { get; init; } = AllowAllGate.Instance;

    public IHostObserver Observer { get; init; } = NullHostObserver.Instance;

    public YamuxOptions Yamux { get; init; } = new();

    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>From accept or connect to a ready muxer; a slower peer (slowloris) is cut off.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an inbound connection may stay silent before its first handshake byte.</summary>
    public TimeSpan IdleBeforeHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Data sent on a connection must be acknowledged by the peer within this time, or the kernel aborts the connection
    /// (TCP_USER_TIMEOUT, Linux only): the bound on a peer that never reads when what we send fits in the socket buffer,
    /// where <see cref="YamuxOptions.WriteTimeout"/> never fires.
    /// </summary>
    public TimeSpan UnacknowledgedDataTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The range of <see cref="UnacknowledgedDataTimeout"/>: the kernel counts it in milliseconds (an int); under a
    /// second, one slow acknowledgement on a busy link would cut a healthy peer.
    /// </summary>
    public static readonly TimeSpan MinUnacknowledgedDataTimeout = TimeSpan.FromSeconds(1);

    /// <inheritdoc cref="MinUnacknowledgedDataTimeout"/>
    public static readonly TimeSpan MaxUnacknowledgedDataTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>
    /// A connection that ends without a fault is reset once the peer has acknowledged everything sent (at most
    /// <see cref="ResetAcknowledgementWait"/> later), so NAT routers drop its entry after seconds, not minutes
    /// (<see cref="Transport.TcpConnection.CloseAcknowledgedThenResetAsync"/>). Off: closed with FIN.
    /// </summary>
    public bool ResetOnClose { get; init; } = true;

    /// <summary>How long a closing connection waits for the peer to acknowledge what was sent before its reset.</summary>
    public TimeSpan ResetAcknowledgementWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Inbound connections in their handshake at once; more are dropped at accept.</summary>
    public int MaxPendingInboundHandshakes { get; init; } = 1024;

    /// <summary>From stream open to an agreed protocol.</summary>
    public TimeSpan StreamNegotiationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Run identify on every new connection (both directions, as js-libp2p and go-libp2p do).</summary>
    public bool IdentifyOnConnect { get; init; } = true;

    public string AgentVersion { get; init; } = "connactors/0.1.0";

    public string ProtocolVersion { get; init; } = "ipfs/0.1.0";

    /// <summary>Checks every bound; the message names the offending option.</summary>
    /// <exception cref="ArgumentException">A bound is out of range.</exception>
    public void Validate()
    {
        Positive(DialTimeout, nameof(DialTimeout));
        Positive(HandshakeTimeout, nameof(HandshakeTimeout));
        Positive(IdleBeforeHandshakeTimeout, nameof(IdleBeforeHandshakeTimeout));
        Positive(StreamNegotiationTimeout, nameof(StreamNegotiationTimeout));
        if (UnacknowledgedDataTimeout < MinUnacknowledgedDataTimeout || UnacknowledgedDataTimeout > MaxUnacknowledgedDataTimeout)
            throw new ArgumentException($"{nameof(UnacknowledgedDataTimeout)} must be at least 1 s (and below 24 days), not {UnacknowledgedDataTimeout}");
        Positive(ResetAcknowledgementWait, nameof(ResetAcknowledgementWait));
        AtLeast(MaxPendingInboundHandshakes, 1, nameof(MaxPendingInboundHandshakes));
        // The spec fixes 256 KiB as the initial window both sides assume; above 16 MiB one stream could pin that much memory.
        if (Yamux.InitialWindow is < YamuxOptions.SpecInitialWindow or > 16 * 1024 * 1024)
            throw new ArgumentException($"Yamux.InitialWindow must be between 256 KiB (the spec's minimum) and 16 MiB, not {Yamux.InitialWindow}");
        AtLeast(Yamux.MaxInboundStreams, 1, "Yamux.MaxInboundStreams");
        AtLeast(Yamux.MaxOutboundStreams, 1, "Yamux.MaxOutboundStreams");
        AtLeast(Yamux.MaxRefusedStreams, 0, "Yamux.MaxRefusedStreams");
        AtLeast(Yamux.MaxDataFrame, 1024, "Yamux.MaxDataFrame");
        AtLeast(Yamux.MaxUnsentPingAnswers, 1, "Yamux.MaxUnsentPingAnswers");
        Positive(Yamux.WriteTimeout, "Yamux.WriteTimeout");
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) throw new ArgumentException($"{name} must be positive, not {value}");
    }

    private static void AtLeast(int value, int minimum, string name)
    {
        if (value < minimum) throw new ArgumentException($"{name} must be at least {minimum}, not {value}");
    }
}
