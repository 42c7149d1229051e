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
    public void Slow_after_is_three_times_the_recent_90th_percentile_within_the_floor_and_the_timeout()
    {
        var rule = new SlowQueryRule();
        for (int i = 1; i <= 10; i++) rule.Answered(i * 100); // p90 = 900 ms
        Assert.Equal(2_700, rule.SlowAfterMs(10_000));
        Assert.Equal(2_000, rule.SlowAfterMs(2_000));
        Assert.Equal(500, rule.SlowAfterMs(500)); // a request timeout under the floor is the bound
    }

    [Fact]
    public void Slow_after_is_always_within_bounds_and_follows_only_the_last_window() =>
        Gen.Select(Gen.Long[0, 60_000].Array[0, 200], Gen.Long[1, 120_000]).Sample((answered, timeout) =>
        {
            var rule = new SlowQueryRule();
            foreach (var ms in answered) rule.Answered(ms);
            long slow = rule.SlowAfterMs(timeout);
            Assert.InRange(slow, Math.Min(SlowQueryRule.FloorMs, timeout), timeout);
            Assert.Equal(Math.Min(answered.Length, SlowQueryRule.Window), rule.Samples);
            if (answered.Length < SlowQueryRule.MinSamples) Assert.Equal(timeout, slow);
            else
            {
                var recent = answered.TakeLast(SlowQueryRule.Window).Order().ToArray();
                long p90 = recent[(int)Math.Ceiling(0.9 * recent.Length) - 1];
                Assert.Equal(Math.Clamp(p90 * SlowQueryRule.Factor, Math.Min(SlowQueryRule.FloorMs, timeout), timeout), slow);
            }
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
