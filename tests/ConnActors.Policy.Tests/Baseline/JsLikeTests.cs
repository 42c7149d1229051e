using ConnActors.Policy.Admission;
using ConnActors.Baselines;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Baseline;

public class JsLikeTests
{
    private static readonly RemoteAddress Address = RemoteAddress.IPv4(0x0A000001);

    private static PeerKey P(int i) => new(i);

    [Fact]
    public void Inbound_is_refused_at_the_ceiling_but_outbound_never()
    {
        var js = new JsLikeConnectionManager(3);
        for (int i = 0; i < 3; i++) Assert.True(js.AdmitInbound(P(i), Address, 0).Admitted);
        Assert.Equal(RefusalReason.HardCap, js.AdmitInbound(P(3), Address, 0).Reason);
        Assert.True(js.AdmitOutbound(P(4), Address, 0).Admitted);
        Assert.Equal(4, js.Connections);
        Assert.Equal(RegulationTrigger.HighWater, js.CheckRegulation(0));
    }

    [Fact]
    public void Prunes_lowest_value_then_fewest_streams_then_inbound_then_newest()
    {
        var js = new JsLikeConnectionManager(4);
        js.AdmitOutbound(P(1), Address, 0);   // oldest outbound
        js.AdmitInbound(P(2), Address, 10);   // inbound
        js.AdmitOutbound(P(3), Address, 20);  // newer outbound
        js.AdmitOutbound(P(4), Address, 30);  // tagged
        js.SetTag(P(4), 1, 50, 30);
        js.AdmitOutbound(P(5), Address, 40);  // newest outbound, with a stream... but streams protect
        js.AdmitOutbound(P(6), Address, 50);
        js.AdmitOutbound(P(7), Address, 60);
        js.SetStreams(P(7), 1);
        var plan = new TrimPlan();
        js.PlanTrim(60, plan);
        // 7 connections over a ceiling of 4: three victims, inbound first, then newest outbound without streams.
        Assert.Equal([2, 6, 5], plan.Victims.Select(v => v.Peer.Value));
        Assert.Equal(4, js.EffectiveConnections);
        Assert.Equal(RegulationTrigger.None, js.CheckRegulation(60));
    }

    [Fact]
    public void Peers_with_streams_and_friends_are_never_pruned_so_the_count_can_stay_above_the_ceiling()
    {
        var js = new JsLikeConnectionManager(2);
        js.SetFriend(P(1), true, 0);
        js.AdmitOutbound(P(1), Address, 0);
        for (int i = 2; i <= 4; i++)
        {
            js.AdmitOutbound(P(i), Address, i);
            js.SetStreams(P(i), 1);
        }
        var plan = new TrimPlan();
        js.PlanTrim(10, plan);
        Assert.Empty(plan.Victims);
        Assert.Equal(4, js.Connections);
        // A friend has no reserved room: at the ceiling its inbound connection is refused too.
        Assert.Equal(RefusalReason.HardCap, js.AdmitInbound(P(1), Address, 11).Reason);
    }

    [Fact]
    public void Tags_set_before_connecting_count_and_closing_forgets_the_peer()
    {
        var js = new JsLikeConnectionManager(10);
        js.SetTag(P(1), 7, 30, 0);
        js.AdmitInbound(P(1), Address, 0);
        Assert.Equal(30, js.ValueOf(P(1)));
        js.ConnectionClosed(P(1), ConnectionDirection.Inbound, Address, 1);
        Assert.Null(js.ValueOf(P(1)));
        Assert.Throws<InvalidOperationException>(() => js.ConnectionClosed(P(1), ConnectionDirection.Inbound, Address, 2));
    }

    [Fact]
    public void A_ceiling_below_one_is_a_configuration_error()
    {
        var e = Assert.Throws<PolicyConfigurationException>(() => new JsLikeConnectionManager(0));
        Assert.Contains("js.max-connections", e.Message);
    }
}
