using ConnActors.Actors.Cluster;
using CsCheck;

namespace ConnActors.Actors.Tests.Cluster;

/// <summary>
/// A round of a site's allocation, played with members acknowledging and leaving in any order: the caps in force never
/// add up to more than the budget, and the round always ends once the members still there have acknowledged.
/// </summary>
public class SiteRoundTests
{
    [Fact]
    public void Member_that_leaves_during_the_shrink_phase_is_not_waited_for_in_the_grow_phase()
    {
        var round = new SiteRound(7, new Dictionary<string, int> { ["a"] = 55, ["b"] = 189, ["c"] = 56 }, new Dictionary<string, int> { ["a"] = 100, ["b"] = 100, ["c"] = 100 });

        Assert.False(round.Applied("a", 7));
        Assert.False(round.Applied("b", 7));
        Assert.True(round.Left("c")); // killed before it acknowledged its shrink
        round.Grow();

        Assert.Equal(["a", "b"], round.Pending.Keys.Order(StringComparer.Ordinal));
        Assert.False(round.Applied("a", 7));
        Assert.True(round.Applied("b", 7));
        Assert.Equal(["a", "b"], round.Shares.Select(s => s.Key).Order(StringComparer.Ordinal)); // what the allocator logs
    }

    [Fact]
    public void Caps_in_force_never_exceed_the_budget_and_the_round_ends_whatever_the_order()
    {
        var members = Gen.Select(Gen.Int[0, 200], Gen.Int[0, 200]).Array[1, 5];
        Gen.Select(members, Gen.Int[0, 50], Gen.Int[0, 1_000].Array[1, 30]).Sample((caps, slack, choices) =>
        {
            var names = caps.Select((_, i) => $"m{i}").ToArray();
            var current = names.Select((n, i) => (n, caps[i].Item1)).ToDictionary(x => x.n, x => x.Item2);
            var targets = names.Select((n, i) => (n, caps[i].Item2)).ToDictionary(x => x.n, x => x.Item2);
            int budget = Math.Max(current.Values.Sum(), targets.Values.Sum()) + slack;
            var round = new SiteRound(1, targets, current);
            var inForce = new Dictionary<string, int>(current);
            var gone = new HashSet<string>();
            bool done = false;
            for (int step = 0; !done; step++)
            {
                Assert.True(step < 100, "the round did not end");
                var pending = round.Pending.Keys.Order(StringComparer.Ordinal).ToList();
                var present = names.Where(n => !gone.Contains(n)).ToList();
                int choice = choices[step % choices.Length] + step;
                bool phaseDone;
                // Now and then a member leaves (it holds nothing any more); otherwise a pending member applies its cap.
                if (present.Count > 0 && choice % 5 == 0)
                {
                    string leaving = present[choice % present.Count];
                    gone.Add(leaving);
                    inForce[leaving] = 0;
                    phaseDone = round.Left(leaving);
                }
                else if (pending.Count > 0)
                {
                    string member = pending[choice % pending.Count];
                    inForce[member] = round.Pending[member];
                    phaseDone = round.Applied(member, 1);
                }
                else phaseDone = true;
                Assert.True(inForce.Values.Sum() <= budget, $"caps in force {string.Join(",", inForce)} above the budget {budget}");
                if (!phaseDone) continue;
                if (round.Growing) done = true;
                else
                {
                    round.Grow();
                    Assert.DoesNotContain(round.Pending.Keys, gone.Contains);
                    done = round.Pending.Count == 0;
                }
            }
            foreach (var name in names.Where(n => !gone.Contains(n))) Assert.Equal(targets[name], inForce[name]);
        }, iter: 2_000);
    }
}
