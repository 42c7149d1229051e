namespace ConnActors.Policy.Tests.Properties;

/// <summary>
/// A round's pass ranks the candidates at or under the last round's k-th lowest bucket as it scores them. Whatever
/// that guess was (the same bucket as this round's, above it, or below it), the round must choose what the plain full
/// pass of <see cref="ReferenceTrimPlanner"/> chooses. The peers that replace a round's victims are, per round, all
/// cheap (this round's bucket falls below the guess), all dear (it rises above the guess), or like the rest (a steady
/// run of rounds, as in the benchmarks, where the guess is often this round's bucket). With these seeds, 90 rounds
/// covered all three cases (29 above, 54 below, 7 equal, counted once by a copy that logged them).
/// </summary>
public class TrimRankGuessProperties
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Rounds_whose_bucket_moves_either_way_choose_the_victims_of_the_plain_full_pass(ulong seed)
    {
        var rounds = new LargeRounds(seed);
        for (int round = 0; round < 30; round++)
        {
            var kind = round < 4 ? Newcomers.Dear : rounds.Random.Next(4) switch { 0 => Newcomers.Cheap, 1 => Newcomers.Dear, _ => Newcomers.LikeThePopulation };
            rounds.Fill(kind);
            // Past grace (30 s by default); a short gap keeps the orders where they were, a long one lets them decay.
            rounds.RoundAfter(rounds.Random.Next(2) == 0 ? 31_000 : 31_000 + rounds.Random.Next(900_000), round);
        }
    }
}
