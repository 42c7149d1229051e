using ConnActors.Sim.Policies;
using ConnActors.Sim.World;

namespace ConnActors.Sim.Fleet;

/// <summary>
/// How the fleet spends its connections, measured at each sample: connections from members to clients (not to
/// other members) per distinct client connected to any member (1.0: every client is connected to the fleet
/// once), the distinct clients, and the share of the members' high water their connections use.
/// </summary>
internal sealed class FleetReach
{
    private readonly SimContext _ctx;
    private readonly NodeEngines _engines;
    private readonly int[] _members;
    private readonly int[] _seenAt;
    private int _stamp;

    public FleetReach(SimContext ctx, NodeEngines engines)
    {
        _ctx = ctx;
        _engines = engines;
        _members = Enumerable.Range(0, ctx.Nodes.Count).Where(n => ctx.Nodes.IsFleet[n]).ToArray();
        _seenAt = _members.Length == 0 ? [] : new int[ctx.Nodes.Count];
    }

    /// <summary>Connections per distinct client, distinct clients and capacity used now (NaN without a fleet).</summary>
    public (double ConnectionsPerPeer, double DistinctPeers, double CapacityUsed) Measure()
    {
        if (_members.Length == 0) return (double.NaN, double.NaN, double.NaN);
        var nodes = _ctx.Nodes;
        _stamp++;
        long toClients = 0, connections = 0, highWater = 0;
        int distinct = 0;
        foreach (int member in _members)
        {
            if (!nodes.Online[member]) continue;
            highWater += _engines.LimitsOf(member).HighWater;
            foreach (int peer in _ctx.Links.Neighbours(member))
            {
                connections++;
                if (nodes.IsFleet[peer]) continue;
                toClients++;
                if (_seenAt[peer] == _stamp) continue;
                _seenAt[peer] = _stamp;
                distinct++;
            }
        }
        return (distinct == 0 ? double.NaN : toClients / (double)distinct, distinct, highWater == 0 ? double.NaN : connections / (double)highWater);
    }
}
