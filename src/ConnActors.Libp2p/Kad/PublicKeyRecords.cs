using ConnActors.Libp2p.Identity;

namespace ConnActors.Libp2p.Kad;

/// <summary>
/// The one record namespace this node stores and serves: <c>/pk/&lt;peer id multihash&gt;</c> holding that
/// peer's protobuf public key, valid when the key hashes to the peer id (the spec's public-key records).
/// Every other namespace (/ipns/, application ones) is refused with a reason.
/// </summary>
public static class PublicKeyRecords
{
    private static readonly byte[] Prefix = "/pk/"u8.ToArray();

    /// <summary>The record key of <paramref name="peer"/>'s public key.</summary>
    public static byte[] KeyOf(PeerId peer) => [.. Prefix, .. peer.Bytes];

    /// <summary>Why the record is invalid, or null when it is a valid public-key record.</summary>
    public static string? Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (!key.StartsWith(Prefix)) return $"records of namespace '{Namespace(key)}' are not accepted: only /pk/ (public keys) is";
        PeerId peer;
        try
        {
            peer = PeerId.FromBytes(key[Prefix.Length..]);
        }
        catch (FormatException e)
        {
            return $"/pk/ record key is not a peer id: {e.Message}";
        }
        PublicKey publicKey;
        try
        {
            publicKey = PublicKey.FromProtobuf(value.ToArray());
        }
        catch (FormatException e)
        {
            return $"/pk/ record value is not a public key: {e.Message}";
        }
        return peer.Matches(publicKey) ? null : $"/pk/ record of {peer} holds the public key of {publicKey.ToPeerId()}";
    }

    /// <summary>The public key of <paramref name="peer"/> when its id inlines it (Ed25519 ids do), as a record value.</summary>
    public static byte[]? InlinedValue(PeerId peer) => peer.TryGetPublicKey()?.ToProtobuf();

    /// <summary>The peer a /pk/ key names, or null when the key is not a valid /pk/ key.</summary>
    public static PeerId? PeerOf(ReadOnlySpan<byte> key)
    {
        if (!key.StartsWith(Prefix)) return null;
        try
        {
            return PeerId.FromBytes(key[Prefix.Length..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Namespace(ReadOnlySpan<byte> key)
    {
        if (key.Length == 0 || key[0] != (byte)'/') return "(none)";
        int end = key[1..].IndexOf((byte)'/');
        var name = end < 0 ? key : key[..(end + 2)];
        return System.Text.Encoding.UTF8.GetString(name.Length > 64 ? name[..64] : name);
    }
}
