using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Noise;

/// <summary>
/// A node's Noise static X25519 key with its signed libp2p handshake payload. Made once per host (as
/// js-libp2p does), so a handshake costs no signature and one scalar multiplication less.
/// </summary>
public sealed class NoiseStaticKey
{
    private NoiseStaticKey(DhKey key, byte[] payload)
    {
        Key = key;
        Payload = payload;
    }

    internal DhKey Key { get; }

    internal byte[] PublicKey => Key.PublicKey;

    /// <summary>The protobuf NoiseHandshakePayload sent in the handshake.</summary>
    internal byte[] Payload { get; }

    public static NoiseStaticKey Create(PrivateKey identity) => Create(identity, NoiseHandshakePayload.Create);

    internal static NoiseStaticKey Create(PrivateKey identity, Func<PrivateKey, byte[], NoiseHandshakePayload> makePayload)
    {
        var key = DhKey.Generate();
        return new NoiseStaticKey(key, makePayload(identity, key.PublicKey).ToProtobuf());
    }
}
