namespace ConnActors.Libp2p.Multistream;

/// <summary>multistream-select failed: a protocol violation or no common protocol.</summary>
public sealed class MultistreamException(string message) : IOException(message);
