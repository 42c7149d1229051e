using System.Security.Cryptography;

namespace ConnActors.Libp2p.Kad;

/// <summary>
/// Keys for refreshing a bucket: a random peer-id-shaped key (a sha2-256 multihash) whose position
/// shares exactly <c>cpl</c> leading bits with the local key, found by trying random ones (about
/// 2^(cpl+1) hashes, so refreshes stop at <see cref="MaxCommonPrefixLength"/> as go-libp2p's do).
/// </summary>
public static class RefreshKeys
{
    /// <summary>The deepest bucket refreshed by a random key.</summary>
    public const int MaxCommonPrefixLength = 15;

    /// <summary>A random key in the bucket of common-prefix length <paramref name="cpl"/>.</summary>
    public static byte[] InBucket(KadKey self, int cpl, Random random)
    {
        if (cpl is < 0 or > MaxCommonPrefixLength)
            throw new ArgumentOutOfRangeException(nameof(cpl), cpl, $"refresh keys are found for buckets 0..{MaxCommonPrefixLength}");
        var key = new byte[34];
        key[0] = 0x12; // sha2-256 multihash of 32 bytes: the shape of an RSA peer id
        key[1] = 32;
        Span<byte> hash = stackalloc byte[32];
        while (true)
        {
            random.NextBytes(key.AsSpan(2));
            SHA256.HashData(key, hash);
            if (self.CommonPrefixLength(KadKey.FromHash(hash)) == cpl) return key;
        }
    }
}
