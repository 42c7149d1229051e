using ConnActors.Policy.Admission;
using ConnActors.Policy.Tests.Support;
using ConnActors.Policy.Trimming;

namespace ConnActors.Policy.Tests.Engine;

/// <summary>A trimmed peer that reconnects before its old connection's close is reported.</summary>
public class ReconnectRaceTests
{
    private static readonly PeerKey Peer = new(0);

    [Fact]
    public void The_new_connection_counts_live_and_the_peer_can_be_trimmed_again()
    {
        var engine = Engines.Small(hardCap: 40);
        engine.ConnectInbound(0, 20, 0);
        var plan = new TrimPlan();
        engine.PlanEmergencyTrim(1, target: 19, plan);
        var victim = Assert.Single(plan.Victims).Peer;
        Assert.Equal(1, engine.View(victim, 1)!.ClosingConnections);
        int effective = engine.EffectiveConnections;

        // The peer reconnects (a second connection) before the close of the first is reported.
        Assert.True(engine.AdmitInbound(victim, Addresses.V4(victim.Value), 2).Admitted);
        Assert.Equal(effective + 1, engine.EffectiveConnections);
        Assert.False(engine.View(victim, 2)!.IsClosing);

        engine.ConnectionClosed(victim, ConnectionDirection.Inbound, Addresses.V4(victim.Value), 3, wasClosing: true);
        Assert.Equal(0, engine.Closing);
        Assert.Equal(effective + 1, engine.EffectiveConnections); // the closing one left; the live one stays counted
        Assert.Equal(0, engine.View(victim, 3)!.ClosingConnections);

        var emergency = new TrimPlan();
        engine.PlanEmergencyTrim(4, target: 0, emergency);
        Assert.Contains(emergency.Victims, v => v.Peer == victim && v.Connections == 1);
    }

    [Fact]
    public void A_new_connection_closing_first_leaves_the_old_one_closing()
    {
        var engine = Engines.Small(hardCap: 40);
        Assert.True(engine.AdmitInbound(Peer, Addresses.V4(0), 0).Admitted);
        engine.ConnectInbound(1, 19, 0);
        var plan = new TrimPlan();
        engine.PlanEmergencyTrim(1, target: 0, plan);
        Assert.True(engine.View(Peer, 1)!.IsClosing);

        Assert.True(engine.AdmitInbound(Peer, Addresses.V4(0), 2).Admitted);
        engine.ConnectionClosed(Peer, ConnectionDirection.Inbound, Addresses.V4(0), 3, wasClosing: false);

        var view = engine.View(Peer, 3)!;
        Assert.Equal(1, view.Inbound);
        Assert.Equal(1, view.ClosingConnections);
        Assert.True(view.IsClosing);
    }
}
