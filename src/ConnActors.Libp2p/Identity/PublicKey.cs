using ConnActors.Libp2p.Encoding;
using Org.BouncyCastle.Crypto.Parameters;

namespace ConnActors.Libp2p.Identity;

/// <summary>A libp2p public key: its type and raw key bytes, as in the PublicKey protobuf.</summary>
public sealed class PublicKey
{
    /// <summary>
    /// The longest key data accepted: an 8,192-bit RSA key in PKIX form (about 1,062 bytes), the largest go-libp2p accepts.
    /// Without a bound, anyone could hash 64 KiB of random bytes into a peer id and have it stored as a valid /pk/ record.
    /// </summary>
    public const int MaxDataLength = 1100;

    /// <exception cref="FormatException">An unknown key type, data longer than <see cref="MaxDataLength"/>, or an Ed25519 key not of 32 bytes.</exception>
    public PublicKey(KeyType type, byte[] data)
    {
        Type = type;
        Data = data;
        if (!Enum.IsDefined(type)) throw new FormatException($"unknown public key type {(int)type}");
        if (data.Length > MaxDataLength) throw new FormatException($"a public key of {data.Length} bytes is longer than the {MaxDataLength} an 8,192-bit RSA key takes");
        if (type == KeyType.Ed25519 && data.Length != Ed25519PublicKeyParameters.KeySize)
            throw new FormatException($"an Ed25519 public key has 32 bytes, not {data.Length}");
    }

    public KeyType Type { get; }

    public byte[] Data { get; }

    /// <summary>Deterministic protobuf encoding (field 1 type, field 2 data), the form PeerIds hash.</summary>
    public byte[] ToProtobuf() => new ProtoWriter().WriteVarint(1, (ulong)Type).WriteBytes(2, Data).ToArray();

    /// <exception cref="FormatException">Malformed protobuf or missing fields.</exception>
    public static PublicKey FromProtobuf(ReadOnlyMemory<byte> bytes)
    {
        var (type, data) = KeyProtobuf.Read(bytes, "public key");
        return new PublicKey(type, data);
    }

    /// <summary>Verifies a signature (libsodium, through NSec); only Ed25519 is supported, other key types never verify.</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (Type != KeyType.Ed25519 || signature.Length != Ed25519PrivateKeyParameters.SignatureSize) return false;
        var ed25519 = NSec.Cryptography.SignatureAlgorithm.Ed25519;
        return NSec.Cryptography.PublicKey.TryImport(ed25519, Data, NSec.Cryptography.KeyBlobFormat.RawPublicKey, out var key)
            && key is not null && ed25519.Verify(key, message, signature);
    }

    public PeerId ToPeerId() => PeerId.FromPublicKey(this);
}
