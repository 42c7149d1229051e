using ConnActors.Libp2p.Kad;
using CsCheck;

namespace ConnActors.Libp2p.Tests.Kad;

/// <summary>The lookup state machine over an in-memory network whose every node has a full routing table.</summary>
public class KadLookupTests
{
    // With a follow-up (followUpAfter above 0) the alpha bound lifts to k once the closest followUpAfter answered.
    [Fact]
    public void A_lookup_finds_the_k_closest_online_peers_and_never_exceeds_alpha_before_its_follow_up_nor_k_after()
    {
        int beyondAlpha = 0;
        Gen.Select(Gen.Int[30, 200], Gen.Int[1, 5], Gen.OneOf(Gen.Const(0), Gen.Int[1, 30]), Gen.Int[0, 1_000_000], Gen.OneOf(Gen.Const(0), Gen.Int[1, 8]))
            .Sample((size, alpha, offlinePercent, seed, followUpAfter) =>
        {
            const int k = 8;
            var network = new KadTestNetwork(size, k, seed, offlinePercent);
            var self = network.Peers[0];
            var target = KadKey.FromPeer(KadPeers.Id(new Random(seed + 1)));
            var lookup = new KadLookup(target, self.Id, k, alpha, maxQueries: 1_000, followUpAfter);
            lookup.AddSeeds(network.Tables[self.Id].Closest(target, k));
            var inFlight = new Queue<KadPeer>();
            while (!lookup.IsDone)
            {
                bool followingUp = lookup.InFollowUp;
                foreach (var p in lookup.TakeNext()) inFlight.Enqueue(p);
                Assert.True(lookup.InFlight <= (followingUp ? k : alpha), $"{lookup.InFlight} in flight with alpha {alpha}, k {k}, follow-up {followingUp}");
                Assert.True(!followingUp || followUpAfter > 0, "a follow-up without followUpAfter");
                if (lookup.InFlight > alpha) beyondAlpha++;
                if (inFlight.Count == 0) break;
                var peer = inFlight.Dequeue();
                if (network.Offline.Contains(peer.Id)) { lookup.Failed(peer.Id); continue; }
                lookup.Succeeded(peer.Id);
                lookup.AddCloser(peer.Id, network.Tables[peer.Id].Closest(target, k, exclude: self.Id));
            }
            Assert.True(lookup.IsDone);
            var expected = network.Peers.Skip(1).Where(p => !network.Offline.Contains(p.Id)).OrderBy(p => p.Key.Xor(target)).Take(k).ToList();
            var found = lookup.ClosestAnswered(k);
            if (offlinePercent == 0) Assert.Equal(expected, found);
            else
            {
                // Stale entries (offline peers fill some buckets) may hide a farther one of the k; never the closest.
                Assert.Equal(expected[0], found[0]);
                Assert.Equal(found.OrderBy(p => p.Key.Xor(target)), found);
                Assert.DoesNotContain(found, p => network.Offline.Contains(p.Id));
            }
            Assert.True(lookup.Hops >= 1);
        });
        Assert.True(beyondAlpha > 10, $"only {beyondAlpha} steps had more than alpha queries in flight: the follow-up was hardly exercised");
    }

    [Fact]
    public void The_follow_up_starts_once_the_closest_answered_and_asks_the_rest_of_the_k_closest_at_once()
    {
        var network = new KadTestNetwork(100, 20, seed: 5, offlinePercent: 0);
        var target = KadKey.FromPeer(KadPeers.Id(new Random(6)));
        var lookup = new KadLookup(target, network.Peers[0].Id, k: 20, alpha: 3, maxQueries: 100, followUpAfter: 3);
        lookup.AddSeeds(network.Peers.Skip(1)); // every peer known: the closest 20 are the seeds' closest 20
        var first = lookup.TakeNext();
        Assert.Equal(3, first.Count);
        Assert.False(lookup.InFollowUp);
        foreach (var p in first) lookup.Succeeded(p.Id);
        Assert.True(lookup.InFollowUp);
        var rest = lookup.TakeNext();
        Assert.Equal(17, rest.Count); // the rest of the k closest, at once
        foreach (var p in rest) lookup.Succeeded(p.Id);
        Assert.True(lookup.Converged);
    }

    [Fact]
    public void The_query_budget_bounds_a_lookup()
    {
        var network = new KadTestNetwork(100, 20, seed: 3, offlinePercent: 0);
        var target = KadKey.FromPeer(KadPeers.Id(new Random(4)));
        var lookup = new KadLookup(target, network.Peers[0].Id, k: 20, alpha: 3, maxQueries: 5);
        lookup.AddSeeds(network.Peers.Skip(1));
        int asked = 0;
        while (!lookup.IsDone)
        {
            var next = lookup.TakeNext();
            if (next.Count == 0) break;
            foreach (var p in next) { asked++; lookup.Succeeded(p.Id); }
        }
        Assert.Equal(5, asked);
        Assert.False(lookup.Converged);
        Assert.True(lookup.IsDone);
    }

    [Fact]
    public void Hops_follow_who_introduced_whom()
    {
        var random = new Random(5);
        var self = KadPeers.Peer(random);
        var a = KadPeers.Peer(random);
        var b = KadPeers.Peer(random);
        var lookup = new KadLookup(b.Key, self.Id, k: 1, alpha: 1, maxQueries: 10);
        lookup.AddSeeds([a]);
        Assert.Equal([a], lookup.TakeNext());
        lookup.Succeeded(a.Id);
        lookup.AddCloser(a.Id, [b, self]);
        Assert.Equal([b], lookup.TakeNext());
        lookup.Succeeded(b.Id);
        Assert.True(lookup.Converged);
        Assert.Equal(2, lookup.Hops);
        Assert.Equal(a.Id, lookup.IntroducerOf(b.Id));
        Assert.False(lookup.Knows(self.Id));
    }

    [Fact]
    public void Slow_peers_free_their_alpha_place_never_hold_the_end_and_still_count_when_they_answer() =>
        Gen.Select(Gen.Int[30, 150], Gen.Int[1, 4], Gen.Int[5, 30], Gen.Int[0, 1_000_000]).Sample((size, alpha, slowPercent, seed) =>
        {
            const int k = 8;
            var network = new KadTestNetwork(size, k, seed, offlinePercent: 0);
            var random = new Random(seed + 2);
            var slow = network.Peers.Skip(1).Where(_ => random.Next(100) < slowPercent).Select(p => p.Id).ToHashSet();
            var self = network.Peers[0];
            var target = KadKey.FromPeer(KadPeers.Id(new Random(seed + 1)));
            var lookup = new KadLookup(target, self.Id, k, alpha, maxQueries: 1_000);
            lookup.AddSeeds(network.Tables[self.Id].Closest(target, k));
            var inFlight = new Queue<KadPeer>();
            var late = new List<KadPeer>();
            while (!lookup.IsDone)
            {
                foreach (var p in lookup.TakeNext()) inFlight.Enqueue(p);
                Assert.True(lookup.InFlight <= alpha, $"{lookup.InFlight} holding alpha places with alpha {alpha}");
                if (inFlight.Count == 0) break;
                var peer = inFlight.Dequeue();
                if (slow.Contains(peer.Id))
                {
                    Assert.True(lookup.Slow(peer.Id));
                    late.Add(peer);
                    continue;
                }
                lookup.Succeeded(peer.Id);
                lookup.AddCloser(peer.Id, network.Tables[peer.Id].Closest(target, k, exclude: self.Id));
            }
            Assert.True(lookup.IsDone, "a lookup must end without waiting for its slow peers");
            Assert.Equal(late.Count, lookup.SlowCount);
            var answering = network.Peers.Skip(1).Where(p => !slow.Contains(p.Id)).OrderBy(p => p.Key.Xor(target)).ToList();
            var found = lookup.ClosestAnswered(k);
            Assert.DoesNotContain(found, p => slow.Contains(p.Id));
            if (found.Count > 0) Assert.Equal(answering[0], found[0]);
            // A slow peer's late answer still counts: it joins the closest answered, in order.
            if (late.Count > 0)
            {
                var closestLate = late.OrderBy(p => p.Key.Xor(target)).First();
                lookup.Succeeded(closestLate.Id);
                var answered = lookup.ClosestAnswered(size);
                Assert.Contains(closestLate, answered);
                Assert.Equal(answered.OrderBy(p => p.Key.Xor(target)), answered);
            }
        });

    [Fact]
    public void A_slow_query_lets_the_next_peer_be_asked_and_only_an_in_flight_query_can_be_slow()
    {
        var random = new Random(7);
        var self = KadPeers.Peer(random);
        var a = KadPeers.Peer(random);
        var b = KadPeers.Peer(random);
        var lookup = new KadLookup(KadPeers.Peer(random).Key, self.Id, k: 2, alpha: 1, maxQueries: 10);
        lookup.AddSeeds([a, b]);
        var first = Assert.Single(lookup.TakeNext());
        var second = first.Equals(a) ? b : a;
        Assert.Empty(lookup.TakeNext());
        Assert.False(lookup.Slow(second.Id));
        Assert.True(lookup.Slow(first.Id));
        Assert.False(lookup.Slow(first.Id));
        Assert.Equal(0, lookup.InFlight);
        Assert.Equal([second], lookup.TakeNext());
        lookup.Succeeded(second.Id);
        Assert.True(lookup.IsDone);
        Assert.True(lookup.Converged);
        lookup.Failed(first.Id);
        Assert.Equal(1, lookup.FailedCount);
        Assert.Equal(0, lookup.InFlight);
    }
}
