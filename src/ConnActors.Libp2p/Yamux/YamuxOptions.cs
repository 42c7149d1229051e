namespace ConnActors.Libp2p.Yamux;

/// <summary>Bounds of one yamux session.</summary>
public sealed record YamuxOptions
{
    public const string ProtocolId = "/yamux/1.0.0";

    /// <summary>The window both sides assume for a new stream (yamux spec).</summary>
    public const int SpecInitialWindow = 256 * 1024;

    /// <summary>Receive window of every stream; more than the spec's 256 KiB is granted with the SYN/ACK window update.</summary>
    public int InitialWindow { get; init; } = SpecInitialWindow;

    /// <summary>Most concurrent streams the remote may open on one connection; more are reset.</summary>
    public int MaxInboundStreams { get; init; } = 256;

    /// <summary>Most concurrent streams this side opens on one connection.</summary>
    public int MaxOutboundStreams { get; init; } = 256;

    /// <summary>Streams refused past <see cref="MaxInboundStreams"/> before the connection is closed as a flood.</summary>
    public int MaxRefusedStreams { get; init; } = 64;

    /// <summary>Ping answers waiting to be sent before a peer that pings without reading them is closed as a flood.</summary>
    public int MaxUnsentPingAnswers { get; init; } = 64;

    /// <summary>Largest data frame this side sends.</summary>
    public int MaxDataFrame { get; init; } = 64 * 1024;

    /// <summary>
    /// Longest one frame may take to be handed to the socket. A peer that stops reading fills the socket's
    /// buffers; past this the connection is reset and every resource it held is released (go-yamux's
    /// ConnectionWriteTimeout, also 10 s). A frame is at most <see cref="MaxDataFrame"/> bytes, so a peer
    /// that reads at all keeps well inside it.
    /// </summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
