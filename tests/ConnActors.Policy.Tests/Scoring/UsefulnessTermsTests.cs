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
}
