using ConnActors.Policy.Engine;
using ConnActors.Policy.Limits;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Trimming;

public class FailedDialTriggerTests
{
    // Hard cap 40: dial rate 2.5/s, so the default share 0.5 starts a round at 1.25 failed dials/s (one-minute average).
    // Connections arrive at 0; dials fail ten minutes later, when that arrival spike is long over.
    private const long Later = 10 * 60_000;

    private static ConnectionManagerPolicy Engine(double share = 0.5) =>
        Engines.Small(hardCap: 40, trim: new TrimSettings { GracePeriodMs = 0, FailedDialShare = share });

    private static void FailDials(ConnectionManagerPolicy engine, int count, long nowMs)
    {
        for (int i = 0; i < count; i++)
        {
            var peer = new PeerKey(50_000 + i);
            Assert.True(engine.BeginOutbound(peer, Addresses.V4(50_000 + i), nowMs).Admitted);
            engine.CompleteOutbound(peer, success: false, nowMs);
        }
    }

    [Fact]
    public void Many_failed_dials_above_low_water_start_a_round_down_to_low_water()
    {
        var engine = Engine();
        var limits = engine.Settings.Limits;
        engine.ConnectInbound(0, limits.LowWater + 3, 0);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(Later));

        FailDials(engine, 90, Later); // 90 failures at once: the one-minute average reaches 1.5/s

        Assert.Equal(RegulationTrigger.FailedDials, engine.CheckRegulation(Later));
        var plan = new TrimPlan();
        engine.PlanTrim(Later, plan);
        Assert.Equal(RegulationTrigger.FailedDials, plan.Trigger);
        Assert.Equal(3, plan.Victims.Sum(v => v.Connections));
        engine.CarryOut(plan, Later);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(Later)); // at low water: nothing more to do
    }

    [Fact]
    public void Failed_dials_below_the_share_of_the_dial_rate_start_nothing()
    {
        var engine = Engine();
        engine.ConnectInbound(0, engine.Settings.Limits.LowWater + 3, 0);

        FailDials(engine, 40, Later); // two thirds of a failed dial per second on average

        Assert.True(engine.FailedDialsPerSecond(Later) < 0.5 * engine.Settings.Limits.DialRatePerSecond);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(Later));
    }

    [Fact]
    public void Failed_dials_start_nothing_at_or_below_low_water()
    {
        var engine = Engine();
        engine.ConnectInbound(0, engine.Settings.Limits.LowWater, 0);

        FailDials(engine, 200, Later);

        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(Later));
    }

    [Fact]
    public void The_failure_rate_fades_so_an_old_episode_starts_nothing()
    {
        var engine = Engine();
        engine.ConnectInbound(0, engine.Settings.Limits.LowWater + 3, 0);
        FailDials(engine, 90, Later);

        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(Later + 3 * 60_000));
    }

    [Fact]
    public void A_share_of_zero_turns_the_trigger_off()
    {
        var engine = Engine(share: 0);
        engine.ConnectInbound(0, engine.Settings.Limits.LowWater + 3, 0);

        FailDials(engine, 500, Later);

        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(Later));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_share_outside_zero_to_one_is_refused_naming_the_key(double share)
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => new TrimSettings { FailedDialShare = share }.Validate(100));
        Assert.Equal("regulation.failed-dial-share", error.Key);
    }
}
