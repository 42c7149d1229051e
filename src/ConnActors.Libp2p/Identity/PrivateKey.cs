using System.Security.Cryptography;
using ConnActors.Libp2p.Encoding;
using Org.BouncyCastle.Crypto.Parameters;

namespace ConnActors.Libp2p.Identity;

/// <summary>An Ed25519 private key of a libp2p identity.</summary>
public sealed class PrivateKey
{
    private readonly Ed25519PrivateKeyParameters _key;

    private PrivateKey(byte[] seed)
    {
        _key = new Ed25519PrivateKeyParameters(seed);
        PublicKey = new PublicKey(KeyType.Ed25519, _key.GeneratePublicKey().GetEncoded());
    }

    public PublicKey PublicKey { get; }

    public PeerId PeerId => PublicKey.ToPeerId();

    public static PrivateKey Generate() => new(RandomNumberGenerator.GetBytes(Ed25519PrivateKeyParameters.KeySize));

    /// <summary>From a 32-byte Ed25519 seed.</summary>
    public static PrivateKey FromSeed(byte[] seed)
    {
        if (seed.Length != Ed25519PrivateKeyParameters.KeySize) throw new FormatException("an Ed25519 seed has 32 bytes");
        return new PrivateKey((byte[])seed.Clone());
    }

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[Ed25519PrivateKeyParameters.SignatureSize];
        _key.Sign(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Algorithm.Ed25519, null, message.ToArray(), 0, message.Length, signature, 0);
        return signature;
    }

    /// <summary>The libp2p PrivateKey protobuf; Ed25519 data is seed followed by public key (64 bytes), as go and js write it.</summary>
    public byte[] ToProtobuf()
    {
        var data = new byte[64];
        _key.GetEncoded().CopyTo(data, 0);
        PublicKey.Data.CopyTo(data, 32);
        return new ProtoWriter().WriteVarint(1, (ulong)KeyType.Ed25519).WriteBytes(2, data).ToArray();
    }

    /// <exception cref="FormatException">Not an Ed25519 private key, or the embedded public key does not match.</exception>
    public static PrivateKey FromProtobuf(ReadOnlyMemory<byte> bytes)
    {
        var (type, data) = KeyProtobuf.Read(bytes, "private key");
        if (type != KeyType.Ed25519) throw new FormatException($"only Ed25519 private keys are supported, not {type}");
        if (data.Length != 32 && data.Length != 64) throw new FormatException($"an Ed25519 private key has 32 or 64 bytes, not {data.Length}");
        var key = new PrivateKey(data[..32]);
        if (data.Length == 64 && !data.AsSpan(32).SequenceEqual(key.PublicKey.Data))
            throw new FormatException("the public half of the Ed25519 private key does not match its seed");
        return key;
    }
}
