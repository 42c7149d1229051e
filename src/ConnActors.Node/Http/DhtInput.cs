using ConnActors.Libp2p.Encoding;

namespace ConnActors.Node.Http;

/// <summary>
/// DHT keys from requests: a multihash in hex (<c>1220…</c>), or a CID, whose multihash is the DHT key as
/// the spec says (CIDv0 <c>Qm…</c>, or CIDv1 in base32 <c>b…</c>).
/// </summary>
internal static class DhtInput
{
    public static (byte[]? Key, IResult? Error) Key(string field, string text)
    {
        byte[] multihash;
        try
        {
            multihash = text switch
            {
                _ when text.Length % 2 == 0 && text.All(Uri.IsHexDigit) => Convert.FromHexString(text),
                _ when text.StartsWith("Qm", StringComparison.Ordinal) => Base58.Decode(text),
                _ when text.StartsWith('b') => MultihashOfCidV1(Base32.Decode(text[1..])),
                _ => throw new FormatException("expected a hex multihash, a CIDv0 (Qm...) or a base32 CIDv1 (b...)"),
            };
            CheckMultihash(multihash);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return (null, ApiError.BadRequest($"'{field}' is not a key: {e.Message}"));
        }
        return (multihash, null);
    }

    private static byte[] MultihashOfCidV1(byte[] cid)
    {
        if (Varint.Read(cid, out int n1) != 1) throw new FormatException("a base32 CID must be version 1");
        Varint.Read(cid.AsSpan(n1), out int n2);
        return cid[(n1 + n2)..];
    }

    private static void CheckMultihash(ReadOnlySpan<byte> multihash)
    {
        Varint.Read(multihash, out int n1);
        ulong length = Varint.Read(multihash[n1..], out int n2);
        if ((ulong)(multihash.Length - n1 - n2) != length) throw new FormatException($"the multihash declares {length} digest bytes but has {multihash.Length - n1 - n2}");
        if (length == 0) throw new FormatException("the multihash has an empty digest");
    }
}
