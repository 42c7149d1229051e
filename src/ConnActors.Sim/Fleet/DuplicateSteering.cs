using ConnActors.Policy;
using ConnActors.Sim.Connections;
using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Fleet;

/// <summary>
/// The fleet's deduplication as the node's ledger does it (docs/cluster.md): a new inbound connection from a
/// client that a member sorting before this one holds (<see cref="FleetLoads.KeeperOtherThan"/>) is closed with
/// a bye naming that member, unless the client is a friend, protected or claimed by a subsystem here. The client
/// then uses the keeper, dialling it (the bye's alternative) if it is no longer connected there. Applied to the
/// clients' gateway visits and handed-off clients' dials; the DHT's inbound queries to members are not steered.
/// </summary>
internal sealed class DuplicateSteering(SimContext ctx, NodeEngines engines, Connector connector, FleetLoads loads)
{
    private readonly bool _enabled = engines.Variant.FleetDedup && loads.Enabled;

    /// <summary>
    /// <paramref name="client"/> has just connected to <paramref name="member"/>: the member that serves it, which is
    /// <paramref name="member"/> unless the connection is steered; -1 when steered to a keeper it could not reach.
    /// </summary>
    public int Serving(int client, int member)
    {
        if (!_enabled) return member;
        int keeper = loads.KeeperOtherThan(member, client);
        if (keeper < 0) return member;
        if (engines.ExistingV2(member)?.View(new PeerKey(client), ctx.Now) is not { IsFriend: false, IsProtected: false, SubsystemClaims: 0 }) return member;
        connector.CloseByPolicy(member, client, CloseReason.Steered);
        ctx.Metrics.DuplicatesSteered++;
        if (!ctx.Nodes.Online[keeper]) return -1;
        return Connector.IsUp(connector.Connect(client, keeper)) ? keeper : -1;
    }
}
