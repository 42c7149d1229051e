using ConnActors.Libp2p.Kad;
using CsCheck;

namespace ConnActors.Libp2p.Tests.Kad;

public class RoutingTableTests
{
    [Fact]
    public void A_full_bucket_sends_newcomers_to_its_replacement_cache_and_promotes_the_newest_on_removal()
    {
        var random = new Random(1);
        var self = KadPeers.Id(random);
        var table = new RoutingTable(self, bucketSize: 2, replacementCacheSize: 2);
        var selfKey = KadKey.FromPeer(self);
        // Bucket 0 holds the peers whose key differs from ours in the first bit: half of all peers.
        var far = Enumerable.Range(0, 100).Select(_ => KadPeers.Peer(random)).Where(p => selfKey.CommonPrefixLength(p.Key) == 0).Take(5).ToList();
        Assert.Equal(RoutingUpdate.Added, table.Add(far[0], 1));
        Assert.Equal(RoutingUpdate.Added, table.Add(far[1], 2));
        Assert.Equal(RoutingUpdate.Cached, table.Add(far[2], 3));
        Assert.Equal(RoutingUpdate.Cached, table.Add(far[3], 4));
        Assert.Equal(RoutingUpdate.Cached, table.Add(far[4], 5)); // far[2], the oldest replacement, drops out
        Assert.Equal(RoutingUpdate.Updated, table.Add(far[0], 6));
        Assert.Equal(2, table.Count);

        var (removed, promoted) = table.Remove(far[1].Id, 7);
        Assert.True(removed);
        Assert.Equal(far[4], promoted);
        (_, promoted) = table.Remove(far[4].Id, 8);
        Assert.Equal(far[3], promoted);
        (_, promoted) = table.Remove(far[3].Id, 9);
        Assert.Null(promoted); // the cache held two; far[2] was dropped
        Assert.Equal([far[0]], table.Closest(selfKey, 10));
    }

    [Fact]
    public void The_table_never_holds_itself_nor_more_than_k_a_bucket_and_closest_is_exact() =>
        Gen.Select(Gen.Int[1, 5], Gen.Int[0, 400], Gen.Int[0, 1_000_000]).Sample((k, peers, seed) =>
        {
            var random = new Random(seed);
            var self = KadPeers.Id(random);
            var table = new RoutingTable(self, k, k);
            var all = Enumerable.Range(0, peers).Select(_ => KadPeers.Peer(random)).ToList();
            Assert.Equal(RoutingUpdate.Ignored, table.Add(new KadPeer(self, []), 0));
            long t = 1;
            foreach (var peer in all) table.Add(peer, t++);
            foreach (var peer in all.Where((_, i) => i % 7 == 0)) table.Remove(peer.Id, t++);

            var buckets = table.Buckets();
            Assert.All(buckets, b => Assert.True(b.Members.Count <= k));
            Assert.Equal(table.Count, buckets.Sum(b => b.Members.Count));
            Assert.DoesNotContain(buckets.SelectMany(b => b.Members), e => e.Peer.Id.Equals(self));
            var target = KadKey.FromPeer(KadPeers.Id(random));
            var members = buckets.SelectMany(b => b.Members).Select(e => e.Peer).ToList();
            var expected = members.OrderBy(p => p.Key.Xor(target)).Take(k * 2).ToList();
            Assert.Equal(expected, table.Closest(target, k * 2));
        });
}
