using CsCheck;
using ConnActors.Sim.Dht;

namespace ConnActors.Sim.Tests;

/// <summary>The js-libp2p lookup's per-path state, against plain reference lists (js's PeerDistanceList and sorted queue).</summary>
public class JsQueryPathsTests
{
    [Fact]
    public void A_paths_queue_gives_its_peers_closest_first_and_each_peer_is_queued_by_one_path_only()
    {
        // Operations: (path 0..3, node 0..99, distance); a node some path has seen is queued nowhere else.
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 99], Gen.ULong).Array[1, 300].Sample(ops =>
        {
            var paths = new JsQueryPaths(maxPaths: 4);
            paths.Reset(paths: 4, k: 20);
            var expected = Enumerable.Range(0, 4).Select(_ => new List<(ulong Distance, int Node)>()).ToArray();
            var owner = new Dictionary<int, int>();
            foreach (var (path, node, distance) in ops)
            {
                bool fresh = paths.MarkSeen(node);
                Assert.Equal(!owner.ContainsKey(node), fresh);
                if (!fresh) continue;
                owner[node] = path;
                paths.Enqueue(path, node, distance, depth: 1);
                expected[path].Add((distance, node));
            }
            for (int path = 0; path < 4; path++)
            {
                var taken = new List<ulong>();
                while (paths.TryTake(path, out int node, out ulong distance, out _))
                {
                    Assert.Equal(path, owner[node]);
                    taken.Add(distance);
                }
                Assert.Equal(expected[path].Select(e => e.Distance).Order(), taken);
                Assert.False(paths.HasQueued(path));
            }
        });
    }

    [Fact]
    public void A_path_admits_a_peer_while_it_has_fewer_than_k_responders_or_the_peer_is_closer_than_the_farthest()
    {
        Gen.Select(Gen.Int[1, 8], Gen.ULong[0, 1_000].Array[1, 60]).Sample((k, answers) =>
        {
            var paths = new JsQueryPaths(maxPaths: 1);
            paths.Reset(paths: 1, k: k);
            var reference = new List<ulong>();
            foreach (ulong distance in answers)
            {
                bool canAdd = reference.Count < k || distance < reference[^1];
                Assert.Equal(canAdd, paths.CanAdd(0, distance));
                paths.AddResponder(0, distance);
                if (canAdd)
                {
                    reference.Add(distance);
                    reference.Sort();
                    if (reference.Count > k) reference.RemoveAt(reference.Count - 1);
                }
            }
            // The path has converged for exactly the distances that could not enter its k closest responders.
            foreach (ulong probe in answers) Assert.Equal(reference.Count < k || probe < reference[^1], paths.CanAdd(0, probe));
        });
    }

    [Fact]
    public void Reset_refuses_more_paths_than_it_was_made_for()
    {
        var paths = new JsQueryPaths(maxPaths: 2);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => paths.Reset(paths: 3, k: 20));
        Assert.Contains("between 1 and 2 paths", error.Message);
    }
}
