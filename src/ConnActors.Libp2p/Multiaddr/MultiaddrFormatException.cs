namespace ConnActors.Libp2p.Multiaddress;

/// <summary>A multiaddr in text or binary form is malformed; the message says where and why.</summary>
public sealed class MultiaddrFormatException(string message, Exception? inner = null) : FormatException(message, inner);
