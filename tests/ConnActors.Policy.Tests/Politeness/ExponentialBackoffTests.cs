using ConnActors.Policy.Politeness;
using CsCheck;

namespace ConnActors.Policy.Tests.Politeness;

public class ExponentialBackoffTests
{
    [Fact]
    public void Go_libp2p_preset_is_five_seconds_plus_one_second_per_squared_retry_capped_at_five_minutes()
    {
        var curve = new ExponentialBackoff(BackoffSettings.GoLibp2pDial);
        Assert.Equal([5_000, 6_000, 9_000, 14_000, 21_000], Enumerable.Range(0, 5).Select(curve.BaseDelayMs));
        Assert.Equal(294_000, curve.BaseDelayMs(17));
        Assert.Equal(300_000, curve.BaseDelayMs(18));
        var random = new DeterministicRandom(7);
        Assert.Equal(9_000, curve.DelayMs(2, random)); // no jitter in the preset
    }

    [Fact]
    public void Default_dial_curve_doubles_from_five_seconds_to_a_five_minute_cap()
    {
        var curve = new ExponentialBackoff(BackoffSettings.DialDefault);
        Assert.Equal([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000],
            Enumerable.Range(0, 8).Select(curve.BaseDelayMs));
        Assert.Equal(4_000, curve.MinimumDelayMs(0));
        Assert.Equal(240_000, curve.MinimumDelayMs(30));
    }

    [Fact]
    public void Huge_retry_numbers_stay_at_the_cap()
    {
        var curve = new ExponentialBackoff(new BackoffSettings { Factor = 1.5, QuadraticStepMs = 10, CapMs = 600_000, Jitter = 0.5 });
        Assert.Equal(600_000, curve.BaseDelayMs(int.MaxValue));
        long delay = curve.DelayMs(int.MaxValue, new DeterministicRandom(3));
        Assert.InRange(delay, 300_000, 600_000);
    }

    [Fact]
    public void Jitter_spreads_delays_of_the_same_retry()
    {
        var curve = new ExponentialBackoff(BackoffSettings.DialDefault);
        var random = new DeterministicRandom(11);
        var delays = Enumerable.Range(0, 50).Select(_ => curve.DelayMs(3, random)).ToHashSet();
        Assert.True(delays.Count > 40, $"only {delays.Count} distinct delays");
    }

    private static readonly Gen<BackoffSettings> Curves =
        Gen.Select(Gen.Long[1, 60_000], Gen.Double[1, 4], Gen.Long[0, 5_000], Gen.Long[0, 3_600_000], Gen.Double[0, 0.99])
            .Select((initial, factor, step, extra, jitter) => new BackoffSettings
            {
                InitialMs = initial, Factor = factor, QuadraticStepMs = step, CapMs = initial + extra, Jitter = jitter,
            });

    [Fact]
    public void Base_delay_is_monotone_up_to_the_cap_and_jittered_delays_stay_in_bounds()
    {
        Gen.Select(Curves, Gen.Int[0, 200], Gen.ULong).Sample((settings, retries, seed) =>
        {
            var curve = new ExponentialBackoff(settings.Validate("test"));
            var random = new DeterministicRandom(seed);
            long previous = 0;
            for (int n = 0; n <= retries; n++)
            {
                long baseMs = curve.BaseDelayMs(n);
                Assert.True(baseMs >= previous, $"base({n}) = {baseMs} < base({n - 1}) = {previous}");
                Assert.True(baseMs <= settings.CapMs);
                long delay = curve.DelayMs(n, random);
                Assert.InRange(delay, curve.MinimumDelayMs(n), baseMs);
                Assert.True(curve.MinimumDelayMs(n) >= baseMs * (1 - settings.Jitter) - 1e-6 * baseMs);
                previous = baseMs;
            }
        }, iter: 500);
    }
}
