namespace ConnActors.Libp2p.Noise;

/// <summary>The Noise handshake or a transport frame failed (bad frame, bad signature, wrong peer).</summary>
public sealed class NoiseException(string message, Exception? inner = null) : IOException(message, inner);
