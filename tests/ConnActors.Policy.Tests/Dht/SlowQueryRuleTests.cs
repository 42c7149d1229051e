using ConnActors.Policy.Dht;
using CsCheck;

namespace ConnActors.Policy.Tests.Dht;

public class SlowQueryRuleTests
{
    [Fact]
    public void Until_enough_queries_answered_a_query_is_slow_only_at_the_request_timeout()
    {
        var rule = new SlowQueryRule();
        for (int i = 0; i < SlowQueryRule.MinSamples - 1; i++)
        {
            rule.Answered(10);
            Assert.Equal(10_000, rule.SlowAfterMs(10_000));
        }
        rule.Answered(10);
        Assert.Equal(SlowQueryRule.FloorMs, rule.SlowAfterMs(10_000));
    }

    [Fact]
    public void Cleared_it_forgets_every_answer_and_waits_for_enough_again()
    {
        var rule = new SlowQueryRule();
        for (int i = 0; i < SlowQueryRule.Window; i++) rule.Answered(4_000);
        Assert.Equal(10_000, rule.SlowAfterMs(10_000));
        rule.Clear();
        Assert.Equal(0, rule.Samples);
        for (int i = 0; i < SlowQueryRule.MinSamples - 1; i++) rule.Answered(10);
        Assert.Equal(10_000, rule.SlowAfterMs(10_000));
        rule.Answered(10);
        Assert.Equal(SlowQueryRule.FloorMs, rule.SlowAfterMs(10_000)); // none of the 4 s answers is left
    }

    [Fact]
    public void Slow_after_is_three_times_the_recent_median_within_the_floor_and_the_timeout()
    {
        var rule = new SlowQueryRule();
        for (int i = 1; i <= 10; i++) rule.Answered(i * 100); // median = 500 ms
        Assert.Equal(1_500, rule.SlowAfterMs(10_000));
        Assert.Equal(1_200, rule.SlowAfterMs(1_200));
        Assert.Equal(500, rule.SlowAfterMs(500)); // a request timeout under the floor is the bound
    }

    [Fact]
    public void A_few_slow_dials_do_not_hold_back_the_median_rule_as_they_held_the_90th_percentile()
    {
        // Answered queries on a loaded machine: most over open connections in tens of ms, some after dials of seconds.
        var median = new SlowQueryRule();
        var p90 = new SlowQueryRule(percentile: 90);
        foreach (var ms in Enumerable.Repeat(60L, 40).Concat(Enumerable.Repeat(4_000L, 24)))
        {
            median.Answered(ms);
            p90.Answered(ms);
        }
        Assert.Equal(10_000, p90.SlowAfterMs(10_000)); // 3 x 4 s is past the timeout: no query is ever slow
        Assert.Equal(SlowQueryRule.FloorMs, median.SlowAfterMs(10_000));
    }

    [Fact]
    public void A_percentile_outside_1_to_100_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlowQueryRule(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlowQueryRule(101));
    }

    [Fact]
    public void Slow_after_is_always_within_bounds_and_follows_only_the_last_window() =>
        Gen.Select(Gen.Long[0, 60_000].Array[0, 200], Gen.Long[1, 120_000], Gen.Int[1, 100]).Sample((answered, timeout, percentile) =>
        {
            var rule = new SlowQueryRule(percentile);
            foreach (var ms in answered) rule.Answered(ms);
            long slow = rule.SlowAfterMs(timeout);
            Assert.InRange(slow, Math.Min(SlowQueryRule.FloorMs, timeout), timeout);
            Assert.Equal(Math.Min(answered.Length, SlowQueryRule.Window), rule.Samples);
            if (answered.Length < SlowQueryRule.MinSamples) Assert.Equal(timeout, slow);
            else
            {
                var recent = answered.TakeLast(SlowQueryRule.Window).Order().ToArray();
                long at = recent[Math.Max(0, (int)Math.Ceiling(percentile / 100.0 * recent.Length) - 1)];
                Assert.Equal(Math.Clamp(at * SlowQueryRule.Factor, Math.Min(SlowQueryRule.FloorMs, timeout), timeout), slow);
            }
        });

    [Fact]
    public void A_higher_percentile_never_makes_a_query_slow_sooner() =>
        Gen.Select(Gen.Long[0, 20_000].Array[SlowQueryRule.MinSamples, 100], Gen.Int[1, 100], Gen.Int[1, 100], Gen.Long[1, 60_000]).Sample((answered, p, q, timeout) =>
        {
            var lower = new SlowQueryRule(Math.Min(p, q));
            var higher = new SlowQueryRule(Math.Max(p, q));
            foreach (var ms in answered)
            {
                lower.Answered(ms);
                higher.Answered(ms);
            }
            Assert.True(higher.SlowAfterMs(timeout) >= lower.SlowAfterMs(timeout));
        });

    [Fact]
    public void Slower_recent_answers_never_make_a_query_slow_sooner() =>
        Gen.Select(Gen.Long[0, 5_000].Array[SlowQueryRule.MinSamples, 100], Gen.Long[0, 5_000], Gen.Long[1, 60_000]).Sample((answered, extra, timeout) =>
        {
            var a = new SlowQueryRule();
            var b = new SlowQueryRule();
            foreach (var ms in answered)
            {
                a.Answered(ms);
                b.Answered(ms + extra);
            }
            Assert.True(b.SlowAfterMs(timeout) >= a.SlowAfterMs(timeout));
        });
}
