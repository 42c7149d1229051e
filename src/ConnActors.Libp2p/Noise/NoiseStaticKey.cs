using System.Security.Cryptography;
using ConnActors.Libp2p.Identity;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace ConnActors.Libp2p.Noise;

/// <summary>
/// A node's Noise static X25519 key with its signed libp2p handshake payload. Made once per host (as
/// js-libp2p does), so a handshake costs no signature and one scalar multiplication less.
/// </summary>
public sealed class NoiseStaticKey
{
    private NoiseStaticKey(byte[] privateKey, byte[] publicKey, byte[] payload)
    {
        PrivateKey = privateKey;
        PublicKey = publicKey;
        Payload = payload;
    }

    internal byte[] PrivateKey { get; }

    internal byte[] PublicKey { get; }

    /// <summary>The protobuf NoiseHandshakePayload sent in the handshake.</summary>
    internal byte[] Payload { get; }

    public static NoiseStaticKey Create(PrivateKey identity) => Create(identity, NoiseHandshakePayload.Create);

    internal static NoiseStaticKey Create(PrivateKey identity, Func<PrivateKey, byte[], NoiseHandshakePayload> makePayload)
    {
        var (privateKey, publicKey) = NewKeyPair();
        return new NoiseStaticKey(privateKey, publicKey, makePayload(identity, publicKey).ToProtobuf());
    }

    internal static (byte[] Private, byte[] Public) NewKeyPair()
    {
        var privateKey = new byte[X25519.ScalarSize];
        RandomNumberGenerator.Fill(privateKey);
        var publicKey = new byte[X25519.PointSize];
        X25519.ScalarMultBase(privateKey, 0, publicKey, 0);
        return (privateKey, publicKey);
    }
}
