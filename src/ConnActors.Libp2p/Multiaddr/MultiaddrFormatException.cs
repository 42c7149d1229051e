namespace ConnActors.Libp2p.Multiaddress;

/// <summary>A multiaddr in text or binary form is malformed; the message says where and why.</summary>
public sealed class MultiaddrFormatException(string message, Exception? inner = null) : FormatException(message, inner)
{
    /// <summary>
    /// True when the bytes name a protocol code this node does not know (quic, webtransport, ...): the
    /// address is not malformed, only unsupported here (its value's length is unknown, so the rest cannot be read).
    /// </summary>
    public bool UnknownProtocol { get; init; }
}
