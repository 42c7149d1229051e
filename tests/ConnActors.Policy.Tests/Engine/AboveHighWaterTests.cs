using CsCheck;
using ConnActors.Policy.Admission;
using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Engine;

public class AboveHighWaterTests
{
    // Hard cap 100 (room for inbound above high water): high water 85, low water 70; 5 new inbound per
    // second at or above high water, one per /32 per 10 s.
    private static ConnectionManagerPolicy Engine(V2Features? features = null)
    {
        var limits = ConnectionLimits.DerivedFrom(100, Engines.Generous with { IntervalAboveHighWaterMs = 10_000 }) with { MaxPendingHandshakes = 100, OutboundReserve = 1, FriendReserve = 1 };
        return new ConnectionManagerPolicy(new PolicySettings { Limits = limits, Trim = new TrimSettings { GracePeriodMs = 0 }, Features = features ?? V2Features.All });
    }

    // Connects peers 0..count-1 one per second (no arrival spike); returns the time after the last.
    private static long ConnectSlowly(ConnectionManagerPolicy engine, int count)
    {
        for (int i = 0; i < count; i++) engine.ConnectInbound(i, 1, i * 1_000L);
        return count * 1_000L;
    }

    [Fact]
    public void At_high_water_unknown_inbound_is_held_to_the_global_rate()
    {
        var engine = Engine();
        long t = ConnectSlowly(engine, engine.Settings.Limits.HighWater);
        var reasons = Enumerable.Range(1_000, 20).Select(i => engine.CheckInboundAddress(Addresses.V4(i), t).Reason).ToList();
        Assert.Equal(5, reasons.Count(r => r == RefusalReason.None));
        Assert.All(reasons.Where(r => r != RefusalReason.None), r => Assert.Equal(RefusalReason.InboundRateAboveHighWater, r));
        Assert.Equal(RefusalReason.None, engine.CheckInboundAddress(Addresses.V4(2_000), t + 200).Reason);   // a token back after 200 ms
    }

    [Fact]
    public void At_high_water_a_subnet_gets_one_connection_per_interval()
    {
        var engine = Engine();
        long t = ConnectSlowly(engine, engine.Settings.Limits.HighWater);
        var subnet = Addresses.V4(5_000);
        Assert.Equal(RefusalReason.None, engine.CheckInboundAddress(subnet, t).Reason);
        engine.AbortInboundHandshake(subnet);
        Assert.Equal(RefusalReason.SubnetRateAboveHighWater, engine.CheckInboundAddress(subnet, t + 9_999).Reason);
        Assert.Equal(RefusalReason.None, engine.CheckInboundAddress(subnet, t + 10_000).Reason);
    }

    [Fact]
    public void Below_high_water_friends_and_the_ablation_are_not_held()
    {
        var below = Engine();
        long t = ConnectSlowly(below, below.Settings.Limits.LowWater - 12);
        Assert.All(Enumerable.Range(1_000, 12), i => Assert.True(below.CheckInboundAddress(Addresses.V4(i), t).Admitted));

        var full = Engine();
        t = ConnectSlowly(full, full.Settings.Limits.HighWater);
        Assert.All(Enumerable.Range(1_000, 6), i => full.CheckInboundAddress(Addresses.V4(i), t));
        Assert.True(full.CheckInboundAddress(Addresses.V4(3_000), t, privilegedAddress: true).Admitted);

        var off = Engine(V2Features.All with { InboundRateCapAboveHighWater = false });
        t = ConnectSlowly(off, off.Settings.Limits.HighWater);
        Assert.All(Enumerable.Range(1_000, 10), i => Assert.True(off.CheckInboundAddress(Addresses.V4(i), t).Admitted));
    }

    [Fact]
    public void While_a_round_held_back_by_grace_is_still_trimming_back_from_high_water_the_rates_hold_too()
    {
        // Peers 6..84 are in grace at 85 s: the round closes the 6 others and follows up when grace ends.
        var engine = new ConnectionManagerPolicy(Engine().Settings with { Trim = new TrimSettings { GracePeriodMs = 80_000, GraceMaxCount = 100 } });
        var limits = engine.Settings.Limits;
        long t = ConnectSlowly(engine, limits.HighWater);
        var plan = new TrimPlan();
        engine.PlanTrim(t, plan);
        engine.CarryOut(plan, t);
        Assert.Equal(6, plan.Victims.Count);
        Assert.NotNull(plan.FollowUpAtMs);
        Assert.InRange(engine.Connections, limits.LowWater + 1, limits.HighWater - 1);
        int admitted = Enumerable.Range(1_000, 20).Count(i => engine.CheckInboundAddress(Addresses.V4(i), t + 500).Admitted);
        Assert.Equal(5, admitted);
    }

    [Fact]
    public void The_derived_rate_is_five_percent_of_the_cap_per_second_and_outlasts_three_regulation_checks_above_high_water()
    {
        Assert.Equal(4, ConnectionLimits.DerivedFrom(8).InboundRateAboveHighWater);
        Assert.Equal(5, ConnectionLimits.DerivedFrom(100).InboundRateAboveHighWater);
        Assert.Equal(5_000, ConnectionLimits.DerivedFrom(100_000).InboundRateAboveHighWater);
        Gen.Int[80, 2_000_000].Sample(cap =>
        {
            var limits = ConnectionLimits.DerivedFrom(cap);
            Assert.True((limits.HardCap - limits.HighWater) / limits.InboundRateAboveHighWater >= 3,
                $"cap {cap}: {limits.HardCap - limits.HighWater} slots above high water fill in under 3 s at {limits.InboundRateAboveHighWater}/s");
        }, iter: 2_000);
    }

    [Theory]
    [InlineData(-1.0, "limits.inbound-rate-above-high-water")]
    [InlineData(double.NaN, "limits.inbound-rate-above-high-water")]
    public void An_invalid_rate_names_its_key(double rate, string key)
    {
        var limits = ConnectionLimits.DerivedFrom(100) with { InboundRateAboveHighWater = rate };
        Assert.Equal(key, Assert.Throws<PolicyConfigurationException>(() => limits.Validate()).Key);
        var subnets = SubnetLimits.Default with { IntervalAboveHighWaterMs = -1 };
        Assert.Equal("limits.subnets.interval-above-high-water", Assert.Throws<PolicyConfigurationException>(() => subnets.Validate()).Key);
    }
}
