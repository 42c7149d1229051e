using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Trimming;

public class RankSortTests
{
    // Orders as trim rounds produce them: a few whole-number static parts, usefulness decayed to next to nothing (clusters
    // closer than any bucket), exact ties, spread values; sizes on both sides of the library-sort cut-off.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Radix_sorted_ranks_are_in_the_library_sorts_order(ulong seed)
    {
        var random = new DeterministicRandom(seed);
        foreach (int n in new[] { 0, 1, 5, 255, 256, 257, 1_000, 5_000, 23_000 })
        {
            var keys = Enumerable.Range(0, n).Select(i => i * 7 + 3).OrderBy(_ => random.NextUInt64()).ToArray();
            var ranks = new CandidateRank[n];
            for (int i = 0; i < n; i++)
            {
                double order = random.Next(4) switch
                {
                    0 => random.Next(30),
                    1 => random.Next(30) + random.NextDouble() * 1e-9,
                    2 => 536 + random.Next(3) + random.NextDouble() * 1e-13,
                    _ => random.NextDouble() * 1_072,
                };
                ranks[i] = new CandidateRank(order, keys[i], i);
            }
            var expected = ranks.ToArray();
            Array.Sort(expected);
            RankSort.Sort(ranks, TrimScratch.Reserve(n));
            Assert.Equal(expected, ranks);
        }
    }

    [Fact]
    public void Equal_orders_are_sorted_by_key()
    {
        var ranks = Enumerable.Range(0, 1_000).Select(i => new CandidateRank(i % 3 == 0 ? 2.5 : 0, 1_000 - i, i)).ToArray();
        RankSort.Sort(ranks, TrimScratch.Reserve(ranks.Length));
        Assert.True(ranks.Zip(ranks.Skip(1)).All(p => p.First.Order < p.Second.Order || (p.First.Order == p.Second.Order && p.First.Peer < p.Second.Peer)));
    }
}
