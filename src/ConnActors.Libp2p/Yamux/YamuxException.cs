namespace ConnActors.Libp2p.Yamux;

/// <summary>A yamux stream or session failed: reset, closed, or a protocol violation.</summary>
public sealed class YamuxException(string message) : IOException(message);
