using ConnActors.Libp2p.Identity;
using ConnActors.Libp2p.Kad;
using CsCheck;

namespace ConnActors.Libp2p.Tests.Kad;

/// <summary>
/// Peers the node's own-trim hold refuses (<see cref="KadLookup.Held"/>): failed for the walk, asked once more past the hold
/// when the lookup would end with one of them closer than its passHoldAmong-th closest answer.
/// </summary>
public class KadLookupHoldTests
{
    private const int K = 20, Alpha = 3, FollowUpAfter = 3;

    [Fact]
    public void A_held_peer_closest_to_the_key_is_asked_past_the_hold_before_the_lookup_ends()
    {
        var (network, target, closest) = EveryPeerKnown(seed: 5);
        var lookup = NewLookup(network, target, passHoldAmong: 3);
        var passed = Run(lookup, network, target, held: [closest.Id]);

        Assert.Equal([closest.Id], passed);
        Assert.True(lookup.Converged);
        Assert.Equal(closest, lookup.ClosestAnswered(1)[0]);
        Assert.Equal(1, lookup.HeldCount);
        Assert.Equal(1, lookup.FailedCount); // the held query failed; the one past the hold answered
    }

    [Fact]
    public void Without_passing_the_hold_a_lookup_ends_without_its_closest_peer()
    {
        var (network, target, closest) = EveryPeerKnown(seed: 5);
        var lookup = NewLookup(network, target, passHoldAmong: 0);
        var passed = Run(lookup, network, target, held: [closest.Id]);

        Assert.Empty(passed);
        Assert.True(lookup.Converged);
        Assert.NotEqual(closest, lookup.ClosestAnswered(1)[0]);
    }

    [Fact]
    public void A_held_peer_farther_than_the_closest_answers_is_not_asked_again()
    {
        var (network, target, _) = EveryPeerKnown(seed: 7);
        var byDistance = network.Peers.Skip(1).OrderBy(p => p.Key.Xor(KadKey.FromKey(target))).ToList();
        var fifth = byDistance[4];
        var lookup = NewLookup(network, target, passHoldAmong: 3);
        var passed = Run(lookup, network, target, held: [fifth.Id]);

        Assert.Empty(passed);
        Assert.True(lookup.Converged);
        Assert.DoesNotContain(fifth, lookup.ClosestAnswered(K));
    }

    [Fact]
    public void A_peer_refused_again_past_the_hold_is_a_failure_and_the_lookup_ends()
    {
        var (network, target, closest) = EveryPeerKnown(seed: 5);
        var lookup = NewLookup(network, target, passHoldAmong: 3);
        var passed = Run(lookup, network, target, held: [closest.Id], heldAgain: true);

        Assert.Equal([closest.Id], passed);
        Assert.True(lookup.IsDone);
        Assert.Equal(2, lookup.FailedCount);
        Assert.NotEqual(closest, lookup.ClosestAnswered(1)[0]);
    }

    // Whatever the held set: the lookup ends; only held peers are asked past the hold, each once; at the end no held peer
    // is closer than the passHoldAmong-th closest answer; in-flight queries stay within alpha (k in the follow-up).
    [Fact]
    public void No_held_peer_is_left_closer_than_the_closest_answers_and_only_held_peers_pass_the_hold()
    {
        Gen.Select(Gen.Int[40, 150], Gen.Int[0, 1_000_000], Gen.Int[0, 40], Gen.Int[1, 5], Gen.Int[0, 30])
            .Sample((size, seed, heldPercent, passHoldAmong, offlinePercent) =>
        {
            var network = new KadTestNetwork(size, K, seed, offlinePercent);
            var target = KadPeers.Id(new Random(seed + 1)).ToBytes();
            var random = new Random(seed + 2);
            var held = network.Peers.Skip(1).Where(_ => random.Next(100) < heldPercent).Select(p => p.Id).ToHashSet();
            var lookup = NewLookup(network, target, passHoldAmong);
            var passed = Run(lookup, network, target, held);

            Assert.True(lookup.IsDone);
            Assert.Subset(held, passed.ToHashSet());
            Assert.Equal(passed.Count, passed.Distinct().Count());
            var key = KadKey.FromKey(target);
            var answers = lookup.ClosestAnswered(K);
            if (answers.Count >= passHoldAmong && lookup.Queried < 1_000)
            {
                var bound = answers[passHoldAmong - 1].Key.Xor(key);
                var leftHeld = held.Except(passed).Where(lookup.Knows).Select(id => network.Peers.Single(p => p.Id.Equals(id)))
                    .Where(p => p.Key.Xor(key).CompareTo(bound) < 0);
                Assert.Empty(leftHeld);
            }
        });
    }

    private static (KadTestNetwork Network, byte[] Target, KadPeer Closest) EveryPeerKnown(int seed)
    {
        var network = new KadTestNetwork(100, K, seed, offlinePercent: 0);
        var target = KadPeers.Id(new Random(seed + 1)).ToBytes();
        var closest = network.Peers.Skip(1).MinBy(p => p.Key.Xor(KadKey.FromKey(target)))!;
        return (network, target, closest);
    }

    private static KadLookup NewLookup(KadTestNetwork network, byte[] target, int passHoldAmong)
    {
        var self = network.Peers[0];
        var lookup = new KadLookup(KadKey.FromKey(target), self.Id, K, Alpha, maxQueries: 1_000, FollowUpAfter, passHoldAmong);
        lookup.AddSeeds(network.Tables[self.Id].Closest(KadKey.FromKey(target), K));
        return lookup;
    }

    // Drives the lookup to its end: the held peers' queries are refused by the hold (Held), again past it when heldAgain,
    // offline peers fail, the rest answer with their k closest. Returns the peers asked past the hold, in order.
    private static List<PeerId> Run(KadLookup lookup, KadTestNetwork network, byte[] target, HashSet<PeerId> held, bool heldAgain = false)
    {
        var self = network.Peers[0];
        var key = KadKey.FromKey(target);
        var passed = new List<PeerId>();
        var inFlight = new Queue<KadPeer>();
        for (int step = 0; step < 10_000 && !lookup.IsDone; step++)
        {
            bool followingUp = lookup.InFollowUp;
            foreach (var p in lookup.TakeNext())
            {
                inFlight.Enqueue(p);
                if (lookup.PassesOwnTrimHold(p.Id)) passed.Add(p.Id);
            }
            Assert.True(lookup.InFlight <= (followingUp ? K : Math.Max(Alpha, passed.Count)), $"{lookup.InFlight} in flight");
            if (inFlight.Count == 0) break;
            var peer = inFlight.Dequeue();
            bool pastHold = lookup.PassesOwnTrimHold(peer.Id);
            if (held.Contains(peer.Id) && (!pastHold || heldAgain)) lookup.Held(peer.Id);
            else if (network.Offline.Contains(peer.Id)) lookup.Failed(peer.Id);
            else
            {
                lookup.Succeeded(peer.Id);
                lookup.AddCloser(peer.Id, network.Tables[peer.Id].Closest(key, K, exclude: self.Id));
            }
        }
        Assert.True(lookup.IsDone, "the lookup did not end");
        return passed;
    }
}
