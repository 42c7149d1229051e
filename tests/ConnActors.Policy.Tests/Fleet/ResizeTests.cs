using ConnActors.Policy.Limits;
using ConnActors.Policy.Quotas;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;
using CsCheck;

namespace ConnActors.Policy.Tests.Fleet;

/// <summary>A node's hard cap changes at runtime when its share of a site budget changes.</summary>
public class ResizeTests
{
    [Fact]
    public void A_smaller_share_refuses_new_connections_at_once_and_one_round_trims_to_the_new_low_water_with_reasons()
    {
        var engine = Engines.Small(hardCap: 100);
        engine.ConnectInbound(0, 60, 0);

        var limits = engine.Resize(40);

        Assert.Equal(40, limits.HardCap);
        Assert.Equal(limits, engine.Settings.Limits);
        Assert.False(engine.AdmitInbound(new PeerKey(500), Addresses.V4(500), 1).Admitted);
        var plan = new TrimPlan();
        engine.PlanTrim(1, plan);
        Assert.Equal(RegulationTrigger.HighWater, plan.Trigger);
        Assert.Equal(60 - limits.LowWater, plan.Victims.Count);
        Assert.All(plan.Victims, v => Assert.Equal(TrimReason.Unassigned, v.Reason)); // the bye's reason
        Assert.Null(plan.FollowUpAtMs);
        engine.CarryOut(plan, 1);
        Assert.Equal(limits.LowWater, engine.Connections);
        Assert.Equal(RegulationTrigger.None, engine.CheckRegulation(2));
    }

    [Fact]
    public void A_larger_share_admits_up_to_the_new_cap()
    {
        var engine = Engines.Small(hardCap: 40);
        engine.Resize(80);
        var limits = engine.Settings.Limits;
        engine.ConnectInbound(0, limits.MaxInbound - limits.FriendReserve, 0);
        Assert.True(engine.Connections > 40);
    }

    [Fact]
    public void Limits_scaled_to_any_cap_are_coherent_and_keep_their_proportions() =>
        Gen.Select(Gen.Int[8, 20_000], Gen.Int[8, 20_000]).Sample((from, to) =>
        {
            var limits = ConnectionLimits.DerivedFrom(from).ScaledTo(to);
            Assert.Equal(to, limits.HardCap);
            limits.Validate();
            Assert.InRange(limits.HighWater, 2, to - 1);
            Assert.InRange(limits.LowWater, 1, limits.HighWater - 1);
            // A shrunk share dials and admits above high water no faster than a node of that cap would.
            var native = ConnectionLimits.DerivedFrom(to);
            Assert.InRange(limits.DialRatePerSecond, Math.Min(2, native.DialRatePerSecond), Math.Max(2, (double)to / from * ConnectionLimits.DerivedFrom(from).DialRatePerSecond) + 1e-9);
            Assert.InRange(limits.InboundRateAboveHighWater, 4, Math.Max(4, (double)to / from * ConnectionLimits.DerivedFrom(from).InboundRateAboveHighWater) + 1e-9);
            if (to < from) Assert.True(limits.InboundRateAboveHighWater <= ConnectionLimits.DerivedFrom(from).InboundRateAboveHighWater);
        }, iter: 2_000);

    [Fact]
    public void A_rate_that_is_off_stays_off_and_one_at_its_minimum_stays()
    {
        var off = ConnectionLimits.DerivedFrom(400) with { InboundRateAboveHighWater = 0, DialRatePerSecond = 1 };
        var scaled = off.ScaledTo(40);
        Assert.Equal(0, scaled.InboundRateAboveHighWater);
        Assert.Equal(1, scaled.DialRatePerSecond);
        Assert.Equal(2.5, ConnectionLimits.DerivedFrom(400).ScaledTo(40).DialRatePerSecond); // 25/s scaled to a tenth (at least 2)
        Assert.Equal(4, ConnectionLimits.DerivedFrom(400).ScaledTo(40).InboundRateAboveHighWater); // 20/s to a tenth, at least 4
        Assert.Equal(100, ConnectionLimits.DerivedFrom(400).ScaledTo(2_000).InboundRateAboveHighWater);
    }

    [Fact]
    public void Subsystem_budgets_are_resolved_again_and_their_reservations_still_fit()
    {
        var engine = Engines.Small(hardCap: 200);
        engine.Enroll(new QuotaRequest("dht", QuotaAmount.Share(0.3), QuotaAmount.Share(0.6)));
        engine.Enroll(new QuotaRequest("pubsub", QuotaAmount.Slots(50), QuotaAmount.Share(0.5)));

        engine.Resize(60);

        var quotas = engine.Quotas.All().ToDictionary(q => q.Name);
        int capacity = engine.Quotas.Capacity;
        Assert.Equal((int)(0.3 * capacity), quotas["dht"].Reserved);
        Assert.Equal((int)(0.6 * capacity), quotas["dht"].Maximum);
        Assert.True(quotas["dht"].Reserved + quotas["pubsub"].Reserved <= capacity);
        Assert.Equal(quotas["pubsub"].Maximum, quotas["pubsub"].Reserved); // 50 slots asked, but no more than its maximum of half the capacity
    }
}
