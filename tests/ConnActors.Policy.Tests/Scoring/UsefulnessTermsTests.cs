using ConnActors.Policy.Peers;
using ConnActors.Policy.Scoring;

namespace ConnActors.Policy.Tests.Scoring;

public class UsefulnessTermsTests
{
    // The vector sum against the formula term by term with Math.Exp: the same value to rounding, values recorded now or
    // later are not decayed, and a value that is not positive adds nothing.
    [Fact]
    public void The_vector_sum_is_the_formula_signal_by_signal()
    {
        var weights = ScoreSettings.Default.Signals;
        var terms = new UsefulnessTerms(weights);
        var random = new DeterministicRandom(11);
        for (int round = 0; round < 20_000; round++)
        {
            long now = 10_000_000;
            var signals = new SignalValues();
            double expected = 0;
            for (int i = 0; i < 4; i++)
            {
                double raw = random.Next(5) switch
                {
                    0 => 0,
                    1 => -random.Next(100),
                    2 => random.NextDouble() * 1e-2,
                    _ => random.NextDouble() * Math.Pow(10, random.Next(9)),
                };
                long at = now - random.Next(40 * 3_600_000) + (random.Next(10) == 0 ? 5_000 : 0);
                signals[i] = DecayingValue.FromRaw(raw, at);
                double value = raw * (now > at ? Math.Exp(-(now - at) * Math.Log(2) / weights[i].HalfLifeMs) : 1);
                if (value > 0) expected += weights[i].Weight * -double.ExpM1(-value / weights[i].Saturation);
            }
            Assert.Equal(expected, terms.Sum(in signals, now), 1e-12 * (1 + expected));
        }
    }

    // The bound a victim search prunes with: never above the vector sum (values tiny to huge, recorded up to 40 h before or
    // later, any weights, half-lives and saturations), 0 exactly when no value is positive, and close to the sum for values
    // a few half-lives old (what makes it prune).
    [Fact]
    public void The_lower_bound_is_at_most_the_sum_and_close_to_it()
    {
        var random = new DeterministicRandom(12);
        for (int round = 0; round < 200_000; round++)
        {
            var weights = new SignalWeight[4];
            for (int i = 0; i < 4; i++) weights[i] = new SignalWeight(random.Next(4) == 0 ? 0 : random.NextDouble() * 50, 1_000 + random.NextDouble() * 3_600_000, Math.Pow(10, random.Next(12) - 4) * (0.5 + random.NextDouble()));
            var terms = new UsefulnessTerms(weights);
            long now = 200_000_000;
            var signals = new SignalValues();
            bool recent = true, positive = false;
            for (int i = 0; i < 4; i++)
            {
                double raw = random.Next(6) switch
                {
                    0 => 0,
                    1 => -random.Next(100),
                    2 => random.NextDouble() * 1e-6,
                    _ => random.NextDouble() * Math.Pow(10, random.Next(15) - 3),
                };
                long at = now - random.Next(3) switch { 0 => random.Next(1_000), 1 => (long)(random.NextDouble() * 3 * weights[i].HalfLifeMs), _ => random.Next(40 * 3_600_000) } + (random.Next(10) == 0 ? 5_000 : 0);
                signals[i] = DecayingValue.FromRaw(raw, at);
                recent &= now - at <= 3 * weights[i].HalfLifeMs && raw / weights[i].Saturation <= 5;
                positive |= raw > 0;
            }
            double sum = terms.Sum(in signals, now), bound = terms.LowerBound(in signals, now);
            Assert.True(bound <= sum, $"round {round}: bound {bound:R} above the sum {sum:R}");
            if (!positive) Assert.Equal(0, bound);
            if (recent) Assert.True(bound >= 0.9 * sum - 1e-6, $"round {round}: bound {bound:R} far below the sum {sum:R}");
        }
    }

    [Fact]
    public void A_negative_weight_gives_no_bound()
    {
        var weights = ScoreSettings.Default.Signals.ToArray();
        weights[2] = weights[2] with { Weight = -1 };
        var terms = new UsefulnessTerms(weights);
        Assert.Equal(double.NegativeInfinity, terms.LowerBound(default, 0));
        Assert.Equal(double.NegativeInfinity, terms.Floor);
        Assert.Equal(0, new UsefulnessTerms(ScoreSettings.Default.Signals).Floor);
    }
}
