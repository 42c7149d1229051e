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

    /// <summary>Largest data frame this side sends.</summary>
    public int MaxDataFrame { get; init; } = 64 * 1024;
}
