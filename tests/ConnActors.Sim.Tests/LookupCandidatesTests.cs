using ConnActors.Sim.Dht;

namespace ConnActors.Sim.Tests;

/// <summary>A simulated lookup's candidates and the own-trim hold: held ones count as failed until the end needs them.</summary>
public class LookupCandidatesTests
{
    [Fact]
    public void A_held_candidate_counts_as_failed_and_is_put_back_only_while_fewer_answers_are_closer_than_it()
    {
        var candidates = new LookupCandidates();
        for (int i = 0; i < 6; i++) candidates.Add(peer: 100 + i, distance: (ulong)(i + 1), depth: 1);
        // Closest first: 100 held, 101 answered, 102 answered, 103 held, 104 answered, 105 held.
        candidates.MarkHeld(0);
        candidates.MarkAnswered(1);
        candidates.MarkAnswered(2);
        candidates.MarkHeld(3);
        candidates.MarkAnswered(4);
        candidates.MarkHeld(5);
        Assert.True(candidates.IsFailed(0));
        Assert.True(candidates.Converged(3));
        Assert.Equal(1, candidates.BestAnswered());

        Assert.Equal(2, candidates.ReviveNeededHeld(among: 3)); // 100 and 103, not 105 behind three answers
        Assert.True(candidates.PassesHold(0) && candidates.PassesHold(3) && !candidates.PassesHold(5));
        Assert.False(candidates.Converged(3));
        Assert.Equal(0, candidates.NextFresh());

        // Refused again past the hold: an ordinary failure, never put back again.
        candidates.MarkHeld(0);
        Assert.True(candidates.IsFailed(0));
        Assert.False(candidates.PassesHold(0));
        candidates.MarkAnswered(3);
        Assert.Equal(0, candidates.ReviveNeededHeld(among: 3));
        Assert.True(candidates.Converged(3));
    }
}
