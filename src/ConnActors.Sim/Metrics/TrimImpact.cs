using ConnActors.Sim.Connections;
using ConnActors.Sim.Dht;
using ConnActors.Sim.Model;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Metrics;

/// <summary>
/// What the connections a policy closes (trims and reclaims) were worth: whether the closed peer had
/// been useful to the closing node within <see cref="UsefulWindowMs"/>, whether the connection was a
/// gossipsub mesh link, and whether the closed peer was in the closing node's DHT routing table.
/// </summary>
internal sealed class TrimImpact(SimContext ctx, DhtLookups dht) : ILinkObserver
{
    /// <summary>A peer that delivered something within this window before its trim counts as useful (10 min).</summary>
    public const long UsefulWindowMs = 600_000;

    public void LinkClosed(in ClosedLink link)
    {
        var m = ctx.Metrics;
        if (link.Reason == CloseReason.Released && link.UsefulToAAtMs >= 0 && ctx.Now - link.UsefulToAAtMs <= UsefulWindowMs) m.UsefulPeerReleases++;
        if (!link.ByPolicy) return;
        m.PolicyCloses++;
        if (link.UsefulToAAtMs >= 0 && ctx.Now - link.UsefulToAAtMs <= UsefulWindowMs) m.UsefulPeerTrims++;
        if (link.UsefulToBAtMs >= 0 && ctx.Now - link.UsefulToBAtMs <= UsefulWindowMs) m.TrimsOfUsefulToPeer++;
        m.MeshLinksTrimmed += MeshTopics.Count(link.FlagsA);
        if (ctx.Scenario.LookupsPerNodeHour <= 0) return;
        if (dht.InRoutingTable(link.A, link.B)) m.RoutingTableTrims++;
    }
}
