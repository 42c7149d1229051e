using ConnActors.Libp2p.Encoding;

namespace ConnActors.Libp2p.Identity;

/// <summary>
/// A libp2p peer id: a multihash of the protobuf-encoded public key (identity multihash when that
/// encoding is at most 42 bytes, as for Ed25519; sha2-256 otherwise).
/// </summary>
public sealed class PeerId : IEquatable<PeerId>
{
    private const int IdentityCode = 0x00;
    private const int Sha256Code = 0x12;
    private const int MaxInlineKeyLength = 42;
    private const ulong LibP2pKeyCodec = 0x72;

    private readonly byte[] _multihash;
    private readonly string _text;

    private PeerId(byte[] multihash)
    {
        _multihash = multihash;
        _text = Base58.Encode(multihash);
    }

    /// <summary>The multihash bytes, as carried in /p2p multiaddrs.</summary>
    public ReadOnlySpan<byte> Bytes => _multihash;

    public byte[] ToBytes() => (byte[])_multihash.Clone();

    public static PeerId FromPublicKey(PublicKey key)
    {
        var encoded = key.ToProtobuf();
        if (encoded.Length <= MaxInlineKeyLength)
            return new PeerId([IdentityCode, (byte)encoded.Length, .. encoded]);
        return new PeerId([Sha256Code, 32, .. System.Security.Cryptography.SHA256.HashData(encoded)]);
    }

    /// <exception cref="FormatException">Not a valid identity or sha2-256 multihash.</exception>
    public static PeerId FromBytes(ReadOnlySpan<byte> multihash)
    {
        var code = Varint.Read(multihash, out var n1);
        var length = Varint.Read(multihash[n1..], out var n2);
        var digestLength = multihash.Length - n1 - n2;
        if ((ulong)digestLength != length) throw new FormatException($"multihash declares {length} digest bytes but has {digestLength}");
        switch (code)
        {
            case IdentityCode when length <= MaxInlineKeyLength:
                PublicKey.FromProtobuf(multihash[(n1 + n2)..].ToArray());
                break;
            case Sha256Code when length == 32:
                break;
            default:
                throw new FormatException($"multihash code 0x{code:x} with {length} bytes is not a peer id");
        }
        return new PeerId(multihash.ToArray());
    }

    /// <summary>Parses the base58btc form ("12D3KooW...", "Qm...") or a CIDv1 with the libp2p-key codec ("bafz...").</summary>
    /// <exception cref="FormatException">Neither form.</exception>
    public static PeerId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw new FormatException("empty peer id");
        if (text[0] == '1' || text.StartsWith("Qm", StringComparison.Ordinal)) return FromBytes(Base58.Decode(text));
        if (text[0] == 'b') return FromCid(Base32.Decode(text[1..]));
        throw new FormatException($"'{text}' is neither a base58btc peer id nor a base32 CIDv1");
    }

    public static bool TryParse(string text, out PeerId? peerId)
    {
        try { peerId = Parse(text); return true; }
        catch (FormatException) { peerId = null; return false; }
    }

    /// <summary>The CIDv1 text form: multibase base32 of (version 1, codec libp2p-key, multihash).</summary>
    public string ToCidString() => "b" + Base32.Encode([.. Varint.Encode(1), .. Varint.Encode(LibP2pKeyCodec), .. _multihash]);

    /// <summary>The public key when it is inlined (identity multihash), otherwise null.</summary>
    public PublicKey? TryGetPublicKey() =>
        _multihash[0] == IdentityCode ? PublicKey.FromProtobuf(_multihash.AsMemory(2)) : null;

    public bool Matches(PublicKey key) => Equals(FromPublicKey(key));

    private static PeerId FromCid(byte[] cid)
    {
        var version = Varint.Read(cid, out var n1);
        if (version != 1) throw new FormatException($"CID version {version} is not 1");
        var codec = Varint.Read(cid.AsSpan(n1), out var n2);
        if (codec != LibP2pKeyCodec) throw new FormatException($"CID codec 0x{codec:x} is not libp2p-key (0x72)");
        return FromBytes(cid.AsSpan(n1 + n2));
    }

    public override string ToString() => _text;

    public bool Equals(PeerId? other) => other is not null && _multihash.AsSpan().SequenceEqual(other._multihash);

    public override bool Equals(object? obj) => obj is PeerId other && Equals(other);

    public override int GetHashCode() => _text.GetHashCode(StringComparison.Ordinal);
}
