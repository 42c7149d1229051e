using System.Security.Cryptography;
using ConnActors.Libp2p.Kad;
using CsCheck;

namespace ConnActors.Libp2p.Tests.Kad;

public class KadKeyTests
{
    private static readonly Gen<KadKey> AnyKey = Gen.Byte.Array[32].Select(b => KadKey.FromHash(b));

    [Fact]
    public void A_peer_key_is_the_sha256_of_its_multihash()
    {
        var peer = PrivateKey.Generate().PeerId;
        Assert.Equal(SHA256.HashData(peer.ToBytes()), KadKey.FromPeer(peer).ToBytes());
    }

    [Fact]
    public void Distance_is_a_metric_on_xor() =>
        Gen.Select(AnyKey, AnyKey, AnyKey).Sample((a, b, c) =>
        {
            Assert.Equal(a.Xor(b), b.Xor(a));
            Assert.Equal(KadKey.Bits, a.CommonPrefixLength(a));
            // XOR distances are unique per target: a and b are equally far from c only when a == b.
            Assert.Equal(a == b, c.CompareDistance(a, b) == 0);
            Assert.Equal(a.CommonPrefixLength(b), LeadingZeroBits(a.Xor(b).ToBytes()));
        });

    [Fact]
    public void A_longer_shared_prefix_is_closer() =>
        Gen.Select(AnyKey, AnyKey, AnyKey).Sample((target, a, b) =>
        {
            int ca = target.CommonPrefixLength(a), cb = target.CommonPrefixLength(b);
            if (ca > cb) Assert.True(target.CompareDistance(a, b) < 0);
            if (ca < cb) Assert.True(target.CompareDistance(a, b) > 0);
        });

    [Fact]
    public void Refresh_keys_land_in_the_bucket_asked_for()
    {
        var self = KadKey.FromPeer(PrivateKey.Generate().PeerId);
        var random = new Random(7);
        for (int cpl = 0; cpl <= RefreshKeys.MaxCommonPrefixLength; cpl++)
        {
            var key = RefreshKeys.InBucket(self, cpl, random);
            Assert.Equal(cpl, self.CommonPrefixLength(KadKey.FromKey(key)));
            PeerId.FromBytes(key); // shaped as a peer id, as FIND_NODE asks
        }
    }

    private static int LeadingZeroBits(byte[] bytes)
    {
        int bits = 0;
        foreach (byte b in bytes)
        {
            if (b == 0) { bits += 8; continue; }
            return bits + System.Numerics.BitOperations.LeadingZeroCount((uint)b) - 24;
        }
        return bits;
    }
}
