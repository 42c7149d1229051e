using ConnActors.Sim.Scenarios;

namespace ConnActors.Sim.Tests;

/// <summary>
/// The seed's "subsystems enroll for reserved and maximum slots; none can starve another" (DHT vs pubsub), in the
/// scenario built to make them contend: without quotas the DHT's bursts take the meshes' room.
/// </summary>
public class SubsystemContentionTests
{
    [Fact]
    public void Quotas_keep_the_pubsub_mesh_from_being_starved_and_trimmed_by_the_dht()
    {
        var settings = SimTestRuns.Small("subsystem-contention", nodes: 400, minutes: 10);
        var (withSim, withQuotas) = SimTestRuns.Run(settings, "v2");
        var (withoutSim, withoutQuotas) = SimTestRuns.Run(settings, "v2-no-quotas");
        Assert.Empty(withSim.FindInconsistencies());
        Assert.Empty(withoutSim.FindInconsistencies());

        // The scenario really makes the subsystems contend: without quotas pubsub is refused and its mesh links trimmed.
        Assert.True(withoutQuotas.PubsubStarvations > 0, $"pubsub starvations without quotas: {withoutQuotas.PubsubStarvations}");
        Assert.True(withoutQuotas.MeshLinksTrimmedPerNodeHour > 5,
            $"mesh links trimmed per node-hour without quotas: {withoutQuotas.MeshLinksTrimmedPerNodeHour}");
        // The DHT is refused too (a slot past its maximum or a connection past the cap): the load is heavy for both.
        Assert.True(withQuotas.DhtStarvations > 0, $"DHT starvations with quotas: {withQuotas.DhtStarvations}");

        // With them, pubsub's reservation holds: no GRAFT refused, no mesh link trimmed, and messages arrive sooner.
        Assert.Equal(0, withQuotas.PubsubStarvations);
        Assert.Equal(0, withQuotas.MeshLinksTrimmedPerNodeHour);
        Assert.True(withQuotas.DeliveryMsP50 < withoutQuotas.DeliveryMsP50 && withQuotas.DeliveryMsP99 < withoutQuotas.DeliveryMsP99,
            $"delivery p50/p99 {withQuotas.DeliveryMsP50}/{withQuotas.DeliveryMsP99} ms with quotas, {withoutQuotas.DeliveryMsP50}/{withoutQuotas.DeliveryMsP99} without");
    }

    [Fact]
    public void The_contention_scenario_is_run_by_name_not_by_all()
    {
        Assert.NotNull(ScenarioCatalog.Find("subsystem-contention"));
        Assert.DoesNotContain(ScenarioCatalog.All, s => s.Name == "subsystem-contention");
    }
}
